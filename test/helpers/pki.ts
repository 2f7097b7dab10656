import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';

export interface KeyPair {
  dir: string;
  keyPem: string;
  certPem: string;
  certFile: string;
  keyFile: string;
  /** base64 DER, for a JWT's x5c header. */
  certDer: string;
  cleanup(): void;
}

/** A self-signed RSA certificate made by openssl (for JWT signing or a TLS server). */
export function makeCert(cn = 'gitlab-registry-login test', altNames: string[] = []): KeyPair {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-pki-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${cn}`];
  if (altNames.length) args.push('-addext', `subjectAltName=${altNames.join(',')}`);
  execFileSync('openssl', args, { stdio: 'ignore' });
  const certPem = readFileSync(certFile, 'utf8');
  return {
    dir,
    keyFile,
    certFile,
    keyPem: readFileSync(keyFile, 'utf8'),
    certPem,
    certDer: new X509Certificate(certPem).raw.toString('base64'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
