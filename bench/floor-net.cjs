// The lowest floor a Node client can have under `verify --json` (realm remembered): the same three requests as
// bench/floor.mjs, but written straight onto node:net sockets (no node:http) from a CommonJS file (no ES module
// loader). Not a client anyone should ship (plain HTTP only, no proxy, no TLS, no redirects, a minimal HTTP/1.1
// reader); it is here so that `npm run bench` shows how far below the goal the cheapest possible requests are.
// Usage: node bench/floor-net.cjs REGISTRY GITLAB_URL < token
'use strict';
const net = require('node:net');
const [registry, gitlab] = process.argv.slice(2);
const token = require('node:fs').readFileSync(0, 'utf8').trim();

/** One GET on a connection of its own (`Connection: close`): the status and the body, de-chunked. */
function get(hostport, target, headers) {
  return new Promise((resolve, reject) => {
    const colon = hostport.lastIndexOf(':');
    const lines = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const socket = net.connect(Number(hostport.slice(colon + 1)), hostport.slice(0, colon), () =>
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostport}\r\nConnection: close\r\n${lines}\r\n`),
    );
    const parts = [];
    socket.on('data', (d) => parts.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(parts).toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split);
      let body = raw.slice(split + 4);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        let out = '';
        for (let at = 0; ;) {
          const eol = body.indexOf('\r\n', at);
          const size = parseInt(body.slice(at, eol), 16);
          if (!size) break;
          out += body.slice(eol + 2, eol + 2 + size);
          at = eol + 4 + size;
        }
        body = out;
      }
      resolve({ status: Number(head.slice(9, 12)), body: Buffer.from(body, 'latin1').toString('utf8') });
    });
  });
}

(async () => {
  const gl = new URL(gitlab).host;
  const basic = `Basic ${Buffer.from(`alice:${token}`).toString('base64')}`;
  const [issued, info] = await Promise.all([
    get(gl, '/jwt/auth?service=container_registry&scope=repository:group/app:pull', { authorization: basic }),
    get(gl, '/api/v4/personal_access_tokens/self', { 'private-token': token }),
  ]);
  const jwt = JSON.parse(issued.body).token;
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  const accepted = await get(registry, '/v2/', { authorization: `Bearer ${jwt}` });
  console.log(JSON.stringify({ ok: accepted.status === 200, claims, token: JSON.parse(info.body) }, null, 2));
  if (accepted.status !== 200) process.exitCode = 1;
})();
