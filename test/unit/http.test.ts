import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { createHttpClient, HttpError, proxyFor } from '../../src/core/http.js';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { flood, httpServer, type Closable } from '../helpers/servers.js';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const open: Array<{ close(): Promise<void> | void }> = [];
let cert: KeyPair;
beforeAll(() => {
  cert = makeCert('registry.example.test', ['DNS:registry.example.test', 'IP:127.0.0.1']);
});
afterAll(async () => {
  for (const o of open) await o.close();
  cert.cleanup();
});

async function server(handler: http.RequestListener): Promise<Closable> {
  const s = await httpServer(handler);
  open.push(s);
  return s;
}

describe('createHttpClient', () => {
  test('a server that accepts and never answers: timeout within the limit', async () => {
    const s = await server(() => {});
    const c = createHttpClient({ timeoutMs: 300 });
    const t = Date.now();
    await expect(c.get(`${s.url}/v2/`)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t).toBeLessThan(2000);
    c.close();
  });

  test('a trickling server is cut off by the total timeout', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200);
      const iv = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(iv));
    });
    const c = createHttpClient({ timeoutMs: 400 });
    await expect(c.get(s.url)).rejects.toMatchObject({ code: 'timeout' });
    c.close();
  });

  test('an endless body stops at the cap', async () => {
    const s = await server(flood);
    const c = createHttpClient({ timeoutMs: 5000, maxBytes: 256 * 1024 });
    await expect(c.get(s.url)).rejects.toMatchObject({ code: 'too-large' });
    c.close();
  });

  test('redirects are not followed, so credentials never travel on', async () => {
    const target = await server((_req, res) => res.end('here'));
    const s = await server((_req, res) => {
      res.writeHead(302, { location: `${target.url}/x` });
      res.end();
    });
    const c = createHttpClient({ timeoutMs: 2000 });
    const r = await c.get(s.url, { authorization: 'Basic c2VjcmV0' });
    expect(r.status).toBe(302);
    expect(target.hits).toHaveLength(0);
    c.close();
  });

  test('every WWW-Authenticate header is kept separately', async () => {
    const s = await server((_req, res) => {
      res.setHeader('www-authenticate', ['Basic realm="a"', 'Bearer realm="https://g/jwt/auth",service="s"']);
      res.writeHead(401);
      res.end();
    });
    const c = createHttpClient({ timeoutMs: 2000 });
    const r = await c.get(`${s.url}/v2/`);
    expect(r.wwwAuthenticate).toEqual(['Basic realm="a"', 'Bearer realm="https://g/jwt/auth",service="s"']);
    c.close();
  });

  test('refused and unknown-CA errors are classified', async () => {
    const port = await new Promise<number>((r) => {
      const x = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (x.address() as AddressInfo).port;
        x.close(() => r(p));
      });
    });
    const c = createHttpClient({ timeoutMs: 2000 });
    await expect(c.get(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'refused' });
    const tls = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_q, r) => r.end('ok'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    open.push({ close: () => new Promise<void>((r) => tls.close(() => r())) });
    const tport = (tls.address() as AddressInfo).port;
    const e = await c.get(`https://127.0.0.1:${tport}/`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).code).toBe('tls');
    c.close();
    const trusted = createHttpClient({ timeoutMs: 2000, caFile: cert.certFile });
    expect((await trusted.get(`https://127.0.0.1:${tport}/`)).body).toBe('ok');
    trusted.close();
    expect(() => createHttpClient({ timeoutMs: 1000, caFile: '/nonexistent/ca.pem' })).toThrow(/cannot read the CA file/);
  });

  test('HTTPS_PROXY: an https request goes through the proxy\'s CONNECT tunnel', async () => {
    const tls = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => res.end(`tunnelled ${req.headers.host}`));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    open.push({ close: () => new Promise<void>((r) => tls.close(() => r())) });
    const tport = (tls.address() as AddressInfo).port;
    const connects: string[] = [];
    // The proxy resolves the target itself: map the test host name to the loopback TLS server.
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, sock: net.Socket) => {
      connects.push(`${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
      const up = net.connect(tport, '127.0.0.1', () => {
        sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
        up.pipe(sock);
        sock.pipe(up);
      });
      up.on('error', () => sock.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    open.push({
      close: () =>
        new Promise<void>((r) => {
          proxy.closeAllConnections();
          proxy.close(() => r());
        }),
    });
    const pport = (proxy.address() as AddressInfo).port;
    const c = createHttpClient({ timeoutMs: 3000, caFile: cert.certFile, env: { HTTPS_PROXY: `http://user:pw@127.0.0.1:${pport}` } });
    const r = await c.get('https://registry.example.test/v2/');
    expect(r.body).toBe('tunnelled registry.example.test');
    expect(connects).toEqual([`registry.example.test:443 Basic ${Buffer.from('user:pw').toString('base64')}`]);
    c.close();
  });
});

describe('proxyFor', () => {
  const u = (s: string) => new URL(s);
  test('HTTPS_PROXY for https, HTTP_PROXY for http, lower case first', () => {
    expect(proxyFor(u('https://r.example.com'), { HTTPS_PROXY: 'http://p:3128' })?.host).toBe('p:3128');
    expect(proxyFor(u('https://r.example.com'), { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })?.host).toBe('a:1');
    expect(proxyFor(u('http://r.example.com'), { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(u('http://r.example.com'), { HTTP_PROXY: 'p:3128' })?.href).toBe('http://p:3128/');
  });
  test('NO_PROXY: names, suffixes, leading dots, ports, *', () => {
    const env = (no: string) => ({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: no });
    expect(proxyFor(u('https://r.example.com'), env('example.com'))).toBeUndefined();
    expect(proxyFor(u('https://r.example.com'), env('.example.com'))).toBeUndefined();
    expect(proxyFor(u('https://r.example.com'), env('*.example.com'))).toBeUndefined();
    expect(proxyFor(u('https://r.example.com'), env('other.com, r.example.com:443'))).toBeUndefined();
    expect(proxyFor(u('https://r.example.com'), env('r.example.com:8443'))).toBeDefined();
    expect(proxyFor(u('https://notexample.com'), env('example.com'))).toBeDefined();
    expect(proxyFor(u('https://r.example.com'), env('*'))).toBeUndefined();
  });
  test('loopback is never proxied', () => {
    expect(proxyFor(u('https://127.0.0.1:5000'), { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(u('http://localhost:5000'), { HTTP_PROXY: 'http://p:3128' })).toBeUndefined();
  });
});
