// The floor under `verify --json` (realm remembered): the same requests it makes, from the smallest script that makes
// them (no CLI, no checks; an ES module loading node:http with require, as the bundle does): GitLab's token endpoint and the token's own API alongside,
// then the registry with the issued token, and the JSON printed. `npm run bench` times it beside the CLI, so the
// distance between the two is what the CLI itself costs. Usage: node bench/floor.mjs REGISTRY GITLAB_URL < token
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const http = require('node:http');
const [registry, gitlab] = process.argv.slice(2);
const token = require('node:fs').readFileSync(0, 'utf8').trim();
const get = (url, headers) =>
  new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
(async () => {
  const basic = `Basic ${Buffer.from(`alice:${token}`).toString('base64')}`;
  const [issued, info] = await Promise.all([
    get(`${gitlab}/jwt/auth?service=container_registry&scope=repository:group/app:pull`, { authorization: basic }),
    get(`${gitlab}/api/v4/personal_access_tokens/self`, { 'private-token': token }),
  ]);
  const jwt = JSON.parse(issued.body).token;
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  const accepted = await get(`http://${registry}/v2/`, { authorization: `Bearer ${jwt}` });
  console.log(JSON.stringify({ ok: accepted.status === 200, claims, token: JSON.parse(info.body) }, null, 2));
  if (accepted.status !== 200) process.exitCode = 1;
})();
