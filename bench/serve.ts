/**
 * Start the test harness (the real registry and the GitLab-like token endpoint) and keep it running, for
 * profiling or trying the CLI by hand: `node scripts/run-ts.mjs bench/serve.ts`. Ctrl-C stops it.
 */
import { makeCert } from '../test/helpers/pki.js';
import { startGitlab } from '../test/helpers/gitlab.js';
import { startRegistry } from '../test/helpers/registry.js';

const pki = makeCert();
const token = process.env.GRL_TOKEN ?? 'glpat-Local0000secret0000';
const gl = await startGitlab(pki, {
  users: [{ kind: 'personal', username: 'alice', token, scopes: ['read_registry', 'write_registry'], projects: { 'group/app': 'developer' } }],
});
const reg = await startRegistry({ realm: gl.realm, certFile: pki.certFile });
console.log(`registry ${reg.registry}\ngitlab ${gl.url}\nuser alice, token ${token}, project group/app (Developer)`);
const stop = async () => {
  await reg.stop();
  await gl.close();
  pki.cleanup();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
