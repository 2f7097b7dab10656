/** The test GitLab signs as GitLab does: its `kid` is GitLab's own, checked on GitLab's spec vector. */
import { expect, test } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { libtrustKid } from '../helpers/gitlab.js';

// The 512-bit test key and its expected kid from gitlabhq/gitlabhq spec/lib/json_web_token/rsa_token_spec.rb.
const SPEC_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIIBOgIBAAJBAMA5sXIBE0HwgIB40iNidN4PGWzOyLQK0bsdOBNgpEXkDlZBvnak
OUgAPF+rME4PB0Yl415DabUI40T5UNmlwxcCAwEAAQJAZtY2pSwIFm3JAXIh0cZZ
iXcAfiJ+YzuqinUOS+eW2sBCAEzjcARlU/o6sFQgtsOi4FOMczAd1Yx8UDMXMmrw
2QIhAPBgVhJiTF09pdmeFWutCvTJDlFFAQNbrbo2X2x/9WF9AiEAzLgqMKeStSRu
H9N16TuDrUoO8R+DPqriCwkKrSHaWyMCIFzMhE4inuKcSywBaLmiG4m3GQzs++Al
A6PRG/PSTpQtAiBxtBg6zdf+JC3GH3zt/dA0/10tL4OF2wORfYQghRzyYQIhAL2l
0ZQW+yLIZAGrdBFWYEAa52GZosncmzBNlsoTgwE4
-----END RSA PRIVATE KEY-----`;

test("libtrustKid reproduces GitLab's kid for its spec key", () => {
  const der = createPublicKey(SPEC_KEY).export({ type: 'spki', format: 'der' });
  expect(libtrustKid(der)).toBe('OGXY:4TR7:FAVO:WEM2:XXEW:E4FP:TKL7:7ACK:TZAF:D54P:SUIA:P3B2');
});
