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

/** `server` listening on a free loopback port; close() ends its open connections too. */
export async function listen(server: http.Server | https.Server, proto: 'http' | 'https', hits: Closable['hits'], host = '127.0.0.1'): Promise<Closable> {
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

/** A loopback HTTP CONNECT proxy (plain, or spoken to over TLS) for the proxy tests. */
export interface ConnectProxy extends Closable {
  /** `TARGET proxy-authorization` of each CONNECT, in order. */
  connects: string[];
  /** Connections the clients still hold open (a silent proxy's clients must hang up by themselves). */
  open(): number;
}

/**
 * mode `tunnel`: every CONNECT is tunnelled to 127.0.0.1:`targetPort` (the test's host names map to loopback);
 * `silent`: CONNECT is read and never answered; `refuse`: 403. With `tls`, clients must speak TLS to the proxy.
 */
export async function connectProxy(
  mode: 'tunnel' | 'silent' | 'refuse',
  opts: { targetPort?: number; tls?: { cert: string; key: string } } = {},
): Promise<ConnectProxy> {
  const net = await import('node:net');
  const connects: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = opts.tls ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }) : http.createServer();
  const hungUp = new Set<import('node:net').Socket>();
  const track = (s: import('node:net').Socket) => {
    sockets.add(s);
    // The client hung up (FIN or reset): it no longer holds this connection, whatever the server does.
    s.on('end', () => hungUp.add(s));
    s.on('close', () => {
      sockets.delete(s);
      hungUp.delete(s);
    });
  };
  server.on('connection', track);
  server.on('secureConnection', track);
  server.on('connect', (req: http.IncomingMessage, sock: import('node:net').Socket) => {
    connects.push(`${req.url} ${req.headers['proxy-authorization'] ?? ''}`.trim());
    sock.on('error', () => {});
    if (mode === 'silent') {
      sock.resume();
      return;
    }
    if (mode === 'refuse') {
      sock.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const up = net.connect(opts.targetPort!, '127.0.0.1', () => {
      sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', () => sock.destroy());
    // Either side gone: the whole tunnel goes.
    up.on('close', () => sock.destroy());
    sock.on('close', () => up.destroy());
  });
  const base = await listen(server, opts.tls ? 'https' : 'http', []);
  return {
    ...base,
    connects,
    open: () => sockets.size - hungUp.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await base.close();
    },
  };
}
