/** Small loopback servers for broken or special setups. Each returns a close() the test must call. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Closable {
  url: string;
  port: number;
  hits: Array<{ path: string; authorization?: string }>;
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server, proto: 'http' | 'https', hits: Closable['hits'], host = '127.0.0.1'): Promise<Closable> {
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${proto}://${host}:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A loopback HTTP server (127.0.0.2 and the like are loopback too: "another host" for realm tests). */
export function httpServer(handler: Handler, host = '127.0.0.1'): Promise<Closable> {
  const hits: Closable['hits'] = [];
  const server = http.createServer((req, res) => {
    hits.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handler(req, res);
  });
  return listen(server, 'http', hits, host);
}

/** A handler that forwards every request to `target` (an http://127.0.0.1:PORT server) and relays its answer. */
function forwardTo(target: string): Handler {
  const t = new URL(target);
  return (req, res) => {
    const up = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  };
}

/** An HTTPS front that forwards every request to `target` (an http://127.0.0.1:PORT registry). */
export function tlsProxy(certPem: string, keyPem: string, target: string): Promise<Closable> {
  const hits: Closable['hits'] = [];
  const forward = forwardTo(target);
  const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    hits.push({ path: req.url ?? '' });
    forward(req, res);
  });
  return listen(server, 'https', hits);
}

/** A plain HTTP front that records what reaches `target` (to count a real registry's requests). */
export function httpFront(target: string): Promise<Closable> {
  return httpServer(forwardTo(target));
}

/** A handler that answers 200 with an endless body (for the response-size cap). */
export function flood(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200);
  const chunk = Buffer.alloc(64 * 1024, 120);
  const pump = () => {
    while (res.write(chunk)) {
      /* fill until the socket pushes back */
    }
  };
  res.on('drain', pump);
  pump();
}
