import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { budget, createHttpClient, HttpError, parseProxy, proxyFor, proxyPort } from '../../src/core/http.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCert, type KeyPair } from '../helpers/pki.js';
import { connectProxy, flood, httpServer, type Closable, type ConnectProxy } from '../helpers/servers.js';
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

  async function tlsTarget(): Promise<number> {
    const tls = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => res.end(`tunnelled ${req.headers.host}`));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    open.push({
      close: () =>
        new Promise<void>((r) => {
          tls.closeAllConnections();
          tls.close(() => r());
        }),
    });
    return (tls.address() as AddressInfo).port;
  }
  async function proxyServer(...args: Parameters<typeof connectProxy>): Promise<ConnectProxy> {
    const p = await connectProxy(...args);
    open.push(p);
    return p;
  }

  test("HTTPS_PROXY: an https request goes through the proxy's CONNECT tunnel", async () => {
    const proxy = await proxyServer('tunnel', { targetPort: await tlsTarget() });
    const c = createHttpClient({ timeoutMs: 3000, caFile: cert.certFile, env: { HTTPS_PROXY: `http://user:pw@127.0.0.1:${proxy.port}` } });
    const r = await c.get('https://registry.example.test/v2/');
    expect(r.body).toBe('tunnelled registry.example.test');
    expect(proxy.connects).toEqual([`registry.example.test:443 Basic ${Buffer.from('user:pw').toString('base64')}`]);
    c.close();
  });

  test('a proxy that accepts CONNECT and never answers: a timeout within the limit, and the socket is closed', async () => {
    const proxy = await proxyServer('silent');
    const c = createHttpClient({ timeoutMs: 600, env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } });
    const t = Date.now();
    await expect(c.get('https://registry.example.test/v2/')).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t).toBeLessThan(1500);
    expect(proxy.connects).toEqual(['registry.example.test:443']);
    // The request's own tunnel went with it, before close(): nothing holds the process open.
    for (let i = 0; i < 50 && proxy.open() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proxy.open()).toBe(0);
    c.close();
  });

  test('an https:// proxy is spoken to over TLS (default port 443 otherwise), with Proxy-Authorization inside TLS', async () => {
    const proxy = await proxyServer('tunnel', { targetPort: await tlsTarget(), tls: { cert: cert.certPem, key: cert.keyPem } });
    const c = createHttpClient({ timeoutMs: 3000, caFile: cert.certFile, env: { HTTPS_PROXY: `https://u:p@127.0.0.1:${proxy.port}` } });
    expect((await c.get('https://registry.example.test/v2/')).body).toBe('tunnelled registry.example.test');
    expect(proxy.connects).toEqual([`registry.example.test:443 Basic ${Buffer.from('u:p').toString('base64')}`]);
    c.close();
    // A proxy certificate nobody trusts: refused, whatever NODE_TLS_REJECT_UNAUTHORIZED says.
    const untrusting = createHttpClient({ timeoutMs: 3000, env: { HTTPS_PROXY: `https://127.0.0.1:${proxy.port}` } });
    await expect(untrusting.get('https://registry.example.test/v2/')).rejects.toMatchObject({ code: 'tls' });
    untrusting.close();
    expect(proxyFor(new URL('https://r.example.com'), { HTTPS_PROXY: 'https://p.example.com' })?.protocol).toBe('https:');
  });

  test('a proxy refusing the tunnel is named', async () => {
    const proxy = await proxyServer('refuse');
    const c = createHttpClient({ timeoutMs: 2000, env: { HTTPS_PROXY: `127.0.0.1:${proxy.port}` } });
    await expect(c.get('https://registry.example.test/v2/')).rejects.toMatchObject({
      code: 'proxy',
      message: expect.stringMatching(/refused the tunnel.*HTTP 403/),
    });
    c.close();
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 changes nothing: an untrusted certificate is still refused', async () => {
    const port = await tlsTarget();
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const c = createHttpClient({ timeoutMs: 2000 });
      await expect(c.get(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'tls' });
      c.close();
      const proxy = await proxyServer('tunnel', { targetPort: port });
      const t = createHttpClient({ timeoutMs: 2000, env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } });
      await expect(t.get('https://registry.example.test/v2/')).rejects.toMatchObject({ code: 'tls' });
      t.close();
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
  });

  test('a --timeout budget is shared by every request: each gets what is left', async () => {
    const s = await server(() => {});
    const c = createHttpClient({ timeoutMs: 800 });
    const b = budget(c);
    const t = Date.now();
    await expect(b.get(`${s.url}/a`)).rejects.toMatchObject({ code: 'timeout' });
    await expect(b.get(`${s.url}/b`)).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - t).toBeLessThan(1300);
    expect(b.remainingMs!()).toBe(0);
    c.close();
  });

  test('a CA file whose PEM block is not a certificate is refused, not silently ignored', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'grl-ca-'));
    const file = path.join(dir, 'ca.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    expect(() => createHttpClient({ timeoutMs: 1000, caFile: file })).toThrow(/holds no certificate/);
    rmSync(dir, { recursive: true, force: true });
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

describe('proxy settings, as docker reads them', () => {
  const u = (s: string) => new URL(s);
  test('NO_PROXY: CIDR ranges and IPv6 literals', () => {
    const env = (no: string) => ({ HTTPS_PROXY: 'http://p:3128', NO_PROXY: no });
    expect(proxyFor(u('https://10.1.2.3'), env('10.0.0.0/8'))).toBeUndefined();
    expect(proxyFor(u('https://11.1.2.3'), env('10.0.0.0/8'))).toBeDefined();
    expect(proxyFor(u('https://[fd00::5]'), env('fd00::/8'))).toBeUndefined();
    expect(proxyFor(u('https://[fe80::5]'), env('fd00::/8'))).toBeDefined();
    expect(proxyFor(u('https://[2001:db8::1]'), env('2001:db8::1'))).toBeUndefined();
    expect(proxyFor(u('https://[2001:db8::1]'), env('[2001:db8:0::1]'))).toBeUndefined();
    expect(proxyFor(u('https://[2001:db8::1]:5050'), env('[2001:db8::1]:5050'))).toBeUndefined();
    expect(proxyFor(u('https://[2001:db8::1]'), env('[2001:db8::1]:5050'))).toBeDefined();
    expect(proxyFor(u('https://[2001:db8::2]'), env('2001:db8::1'))).toBeDefined();
    expect(proxyFor(u('https://192.0.2.7:443'), env('192.0.2.7:443'))).toBeUndefined();
    // A CIDR never matches a name (Go's httpproxy does the same).
    expect(proxyFor(u('https://r.example.com'), env('10.0.0.0/8'))).toBeDefined();
  });
  test('socks5:// is refused with what to use instead; an unknown scheme too', () => {
    expect(() => proxyFor(u('https://r.example.com'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(
      /socks5:\/\/ proxies are not supported; use an HTTP CONNECT proxy/,
    );
    expect(() => proxyFor(u('https://r.example.com'), { HTTPS_PROXY: 'socks5://p:1080' })).toThrow(expect.objectContaining({ name: 'InputError' }));
    expect(() => proxyFor(u('https://r.example.com'), { https_proxy: 'ftp://p:21' })).toThrow(/https_proxy: ftp:/);
  });
  test('default ports: https:// proxies 443 (TLS), http:// and scheme-less ones 80', () => {
    expect(proxyPort(parseProxy('https://p.example.com', 'HTTPS_PROXY').url)).toBe(443);
    expect(proxyPort(parseProxy('http://p.example.com', 'HTTPS_PROXY').url)).toBe(80);
    expect(proxyPort(parseProxy('p.example.com', 'HTTPS_PROXY').url)).toBe(80);
    expect(proxyPort(parseProxy('https://p.example.com:8443', 'HTTPS_PROXY').url)).toBe(8443);
  });
  test('a bad %-escape in the credentials is an input error naming the variable', () => {
    expect(() => parseProxy('http://us%zzer:pw@p:3128', 'HTTPS_PROXY')).toThrow(
      expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/HTTPS_PROXY: .*bad %-escape/) }),
    );
    expect(parseProxy('http://a%40b:p%3Aw@p:3128', 'HTTPS_PROXY').authorization).toBe(`Basic ${Buffer.from('a@b:p:w').toString('base64')}`);
  });
});
