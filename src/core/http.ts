// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import http from 'node:http';
import type https from 'node:https';
import type tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';

// node:https (and tls) load only when an https URL is asked for: a loopback registry never needs them.
const lazyRequire = createRequire(import.meta.url);
const tlsLib = () => lazyRequire('node:tls') as typeof tls;
const httpsLib = () => lazyRequire('node:https') as typeof https;
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { isLoopbackHost } from './hosts.js';
import { InputError } from './errors.js';
import { sanitise } from './sanitise.js';
import { traceGet } from './debug.js';

export interface HttpResponse {
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every WWW-Authenticate header, as sent (Node would join them). */
  wwwAuthenticate: string[];
  body: string;
}

export type HttpErrorCode = 'timeout' | 'refused' | 'dns' | 'tls' | 'not-tls' | 'reset' | 'too-large' | 'proxy' | 'other';

/** A transport failure. Its message names the URL's origin and never any header value. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    /** The Node error code (ECONNREFUSED, CERT_HAS_EXPIRED, ...), for diagnosis. */
    readonly detail?: string,
    /** The --ca-file in use when a TLS check failed (so a fix does not suggest passing it again). */
    readonly caFile?: string,
  ) {
    super(sanitise(message));
  }
}

export interface HttpClient {
  get(url: string, headers?: Record<string, string>, options?: GetOptions): Promise<HttpResponse>;
  /** Each request's limit (`--timeout`), when known. */
  readonly timeoutMs?: number;
  /** What is left of a budget (see budget()), when this client has one. */
  remainingMs?(): number;
  /** Drop kept-alive connections so the process can exit. */
  close(): void;
}

export interface HttpOptions {
  /** Whole request, connect to last byte. */
  timeoutMs: number;
  connectTimeoutMs?: number;
  /** Response bodies larger than this fail with `too-large`. */
  maxBytes?: number;
  /** PEM file with extra CA certificates (`--ca-file`), added to Node's own store. */
  caFile?: string;
  env?: NodeJS.ProcessEnv;
  userAgent?: string;
}

const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|EPROTO)/;

function classify(err: NodeJS.ErrnoException & { reason?: string }, origin: string, caFile?: string): HttpError {
  if (err instanceof HttpError) return err;
  const code = err.code ?? '';
  const m = err.message ?? '';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(m)) {
    return new HttpError('not-tls', `${origin} does not speak TLS (plain HTTP?)`, code);
  }
  if (code === 'ECONNREFUSED') return new HttpError('refused', `connection to ${origin} refused`, code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return new HttpError('dns', `no such host: ${origin}`, code);
  if (code === 'ETIMEDOUT') return new HttpError('timeout', `timed out connecting to ${origin}`, code);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return new HttpError('reset', `${origin} closed the connection`, code);
  if (TLS_CODES.test(code)) {
    const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'the certificate is not for this host name' : (err.reason ?? m);
    return new HttpError('tls', `TLS with ${origin} failed: ${why} (${code})`, code, caFile);
  }
  return new HttpError('other', `request to ${origin} failed: ${m.split('\n')[0]}`, code || undefined);
}

const PROXY_SCHEMES = new Set(['http:', 'https:']);

/** A proxy as configured: where it is, how it is spoken to, and its Proxy-Authorization (if any). */
export interface Proxy {
  url: URL;
  /** The environment variable it came from, for messages. */
  variable: string;
  /** `Basic ...`, when the URL carries credentials. */
  authorization?: string;
}

/**
 * Parse a proxy variable as Go's net/http (and so docker) does: no scheme means http://; http:// is spoken to in
 * plain text on port 80 by default, https:// over TLS on port 443. SOCKS is not supported. A bad value is a usage
 * error naming the variable (exit 2), never an internal error.
 */
export function parseProxy(raw: string, variable: string): Proxy {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new InputError(`${variable} is not a proxy URL (expected http://HOST:PORT or https://HOST:PORT)`, variable);
  }
  if (/^socks/i.test(url.protocol)) {
    throw new InputError(
      `${variable}: ${url.protocol}// proxies are not supported; use an HTTP CONNECT proxy (http://HOST:PORT or https://HOST:PORT)`,
      variable,
    );
  }
  if (!PROXY_SCHEMES.has(url.protocol) || url.hostname === '') {
    throw new InputError(`${variable}: ${url.protocol}// is not a proxy scheme this tool speaks; use http://HOST:PORT or https://HOST:PORT`, variable);
  }
  if (!url.username && !url.password) return { url, variable };
  let user: string, pass: string;
  try {
    user = decodeURIComponent(url.username);
    pass = decodeURIComponent(url.password);
  } catch {
    throw new InputError(`${variable}: the proxy's user name or password has a bad %-escape (write % as %25)`, variable);
  }
  return { url, variable, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

function noProxyMatches(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const family = isIP(host);
  let cidrs: BlockList | undefined;
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    // CIDR ranges (10.0.0.0/8, fd00::/8) match IP literals only, as in Go's httpproxy.
    const cidr = /^\[?([0-9a-f:.]+)\]?\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const fam = isIP(cidr[1]!);
      const bits = Number(cidr[2]);
      if (fam && family && bits <= (fam === 4 ? 32 : 128)) {
        cidrs ??= new BlockList();
        cidrs.addSubnet(cidr[1]!, bits, fam === 4 ? 'ipv4' : 'ipv6');
      }
      continue;
    }
    // [v6]:port, [v6], bare v6, v4:port, name:port, .name, *.name, name.
    let name: string;
    let entryPort: string | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (v6) [name, entryPort] = [v6[1]!, v6[2]];
    else if (isIP(entry) === 6) name = entry;
    else {
      const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
      [name, entryPort] = [m[1]!, m[2]];
    }
    if (entryPort && entryPort !== port) continue;
    if (isIP(name)) {
      if (family && sameIp(name, host)) return true;
      continue;
    }
    name = name.replace(/^\*?\.?/, '');
    if (name && (host === name || host.endsWith(`.${name}`))) return true;
  }
  return cidrs !== undefined && family !== 0 && cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

function sameIp(a: string, b: string): boolean {
  const fa = isIP(a);
  if (fa !== isIP(b)) return false;
  const list = new BlockList();
  list.addAddress(a, fa === 4 ? 'ipv4' : 'ipv6');
  return list.check(b, fa === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The proxy for a URL per HTTPS_PROXY/HTTP_PROXY/NO_PROXY (lower case first), as Go and docker read them;
 * loopback is never proxied. NO_PROXY takes names, .suffixes, *.suffixes, name:port, IPv4/IPv6 literals
 * ([v6]:port too) and CIDR ranges. Throws InputError for a variable that is not a usable proxy.
 */
export function proxyConfigFor(target: URL, env: NodeJS.ProcessEnv): Proxy | undefined {
  if (isLoopbackHost(target.hostname)) return undefined;
  const pick = (...names: string[]) => names.map((n) => [n, env[n]] as const).find(([, v]) => v !== undefined && v !== '');
  const chosen = target.protocol === 'https:' ? pick('https_proxy', 'HTTPS_PROXY') : pick('http_proxy', 'HTTP_PROXY');
  if (!chosen) return undefined;
  const noProxy = pick('no_proxy', 'NO_PROXY')?.[1] ?? '';
  if (noProxyMatches(target, noProxy)) return undefined;
  return parseProxy(chosen[1]!, chosen[0]);
}

/** The proxy's URL for a target (see proxyConfigFor). */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  return proxyConfigFor(target, env)?.url;
}

/** The port a proxy is spoken to on: its own, else 443 for https:// (TLS, as Go, docker and curl do) and 80 for http://. */
export function proxyPort(proxy: URL): number {
  return Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80);
}

function readCa(caFile: string): string[] {
  const extra: string[] = [];
  let text: string;
  try {
    text = readFileSync(caFile, 'utf8');
  } catch (e) {
    throw new HttpError('tls', `cannot read the CA file ${caFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new HttpError('tls', `the CA file ${caFile} holds no PEM certificate`);
  // Node skips a block it cannot parse without a word: a file of such blocks would trust nothing, silently.
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const { X509Certificate } = lazyRequire('node:crypto') as typeof import('node:crypto');
  const good = blocks.filter((b) => {
    try {
      new X509Certificate(b);
      return true;
    } catch {
      return false;
    }
  });
  if (good.length === 0)
    throw new HttpError('tls', `the CA file ${caFile} holds no certificate: its PEM block${blocks.length === 1 ? ' is' : 's are'} not a readable certificate`);
  extra.push(...good);
  // Setting `ca` replaces Node's default store, which includes NODE_EXTRA_CA_CERTS: keep both.
  const envExtra = process.env.NODE_EXTRA_CA_CERTS;
  if (envExtra) {
    try {
      extra.push(readFileSync(envExtra, 'utf8'));
    } catch {
      /* Node itself already warned about it at start-up */
    }
  }
  return [...tlsLib().rootCertificates, ...extra];
}

/** One request's budget: its own timeout, never beyond what is left of the run (see budget()). */
export interface GetOptions {
  timeoutMs?: number;
  /** POST without a body (its parameters in the query string): GitLab's token rotation. Default GET. */
  method?: 'GET' | 'POST';
}

/**
 * Said once per run when NODE_TLS_REJECT_UNAUTHORIZED=0 is set: docker ignores it and so does this tool (every TLS
 * connection verifies its peer, rejectUnauthorized: true); the ways to trust a certificate are --ca-file and
 * NODE_EXTRA_CA_CERTS.
 */
export function tlsEnvNotice(env: NodeJS.ProcessEnv): string | undefined {
  const v = env.NODE_TLS_REJECT_UNAUTHORIZED;
  if (v === undefined || v === '1') return undefined;
  return `NODE_TLS_REJECT_UNAUTHORIZED=${v.slice(0, 8)} is ignored: certificates are always verified, as docker does. To trust a private CA, pass --ca-file PATH or set NODE_EXTRA_CA_CERTS.`;
}

/** Every TLS connection verifies its peer (docker ignores NODE_TLS_REJECT_UNAUTHORIZED, and so does this tool). */
type Verify = { rejectUnauthorized: true; ca?: string[] };

/** A socket, request or tunnel this client opened. */
type Ownable = { destroy(): unknown; once(event: 'close', l: () => void): unknown };

/** The client's keep-alive agents (one per scheme) and every socket and tunnel open until it closes. */
function connectionPool(verify: Verify) {
  const agents = new Map<string, http.Agent>();
  const owned = new Set<{ destroy(): unknown }>();
  return {
    own<T extends Ownable>(x: T): T {
      owned.add(x);
      x.once('close', () => owned.delete(x));
      return x;
    },
    agentFor(protocol: string): http.Agent {
      let agent = agents.get(protocol);
      if (!agent) {
        const base = { keepAlive: true, maxSockets: 4 };
        agent = protocol === 'http:' ? new http.Agent(base) : new (httpsLib().Agent)({ ...base, ...verify });
        agents.set(protocol, agent);
      }
      return agent;
    },
    /** Destroys what is left: kept-alive connections, and sockets and tunnels of requests still running. */
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
      for (const x of owned) x.destroy();
      owned.clear();
    },
  };
}
type Pool = ReturnType<typeof connectionPool>;

/** A URL this client may ask: http or https. */
function parseTarget(rawUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new HttpError('other', 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError('other', `unsupported URL scheme ${url.protocol}`);
  return url;
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** One request's timers and tunnel: `end()` clears and destroys them, answered or not. */
class Attempt {
  private connectTimer: NodeJS.Timeout | undefined;
  /** A tunnel is this request's alone: it goes with it. */
  readonly tunnel: Array<{ destroy(): unknown }> = [];
  constructor(
    private readonly connectTimeoutMs: number,
    private readonly onConnectTimeout: () => void,
  ) {}
  connecting(): void {
    this.connectTimer = setTimeout(this.onConnectTimeout, this.connectTimeoutMs);
  }
  connected(): void {
    clearTimeout(this.connectTimer);
  }
  end(): void {
    clearTimeout(this.connectTimer);
    for (const t of this.tunnel) t.destroy();
  }
}

/** Node calls `oncreate(err)` with no socket when it fails; @types/node declares the socket always given. */
type OnCreate = (err: Error | null, socket?: Duplex) => void;

/** HTTPS through a proxy: CONNECT (over TLS to an https:// proxy), then TLS to the target inside. */
function openTunnel(o: { proxy: Proxy; url: URL; verify: Verify; pool: Pool; attempt: Attempt; caFile: string | undefined }, cb: OnCreate): undefined {
  const { proxy: p, verify, pool, attempt } = o;
  const targetHost = bareHost(o.url.hostname);
  const target = `${targetHost.includes(':') ? `[${targetHost}]` : targetHost}:${Number(o.url.port) || 443}`;
  attempt.connecting();
  const lib = p.url.protocol === 'https:' ? httpsLib() : http;
  const tunnelReq = pool.own(
    lib.request({
      host: bareHost(p.url.hostname),
      port: proxyPort(p.url),
      method: 'CONNECT',
      path: target,
      agent: false,
      headers: { host: target, ...(p.authorization ? { 'proxy-authorization': p.authorization } : {}) },
      ...(p.url.protocol === 'https:' ? { ...verify, servername: isIP(p.url.hostname) ? undefined : p.url.hostname } : {}),
    }),
  );
  attempt.tunnel.push(tunnelReq);
  tunnelReq.once('socket', (s) => pool.own(s));
  tunnelReq.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      cb(new HttpError('proxy', `the proxy ${p.url.host} refused the tunnel to ${target} (HTTP ${res.statusCode})`));
      return;
    }
    const secure = pool.own(tlsLib().connect({ socket, host: targetHost, ...(isIP(targetHost) ? {} : { servername: targetHost }), ...verify }));
    attempt.tunnel.push(secure);
    secure.once('close', () => socket.destroy());
    secure.once('secureConnect', () => attempt.connected());
    cb(null, secure);
  });
  tunnelReq.once('error', (e) => {
    const code = (e as NodeJS.ErrnoException).code;
    const tlsFailed = code !== undefined && TLS_CODES.test(code);
    cb(new HttpError(tlsFailed ? 'tls' : 'proxy', `cannot reach the proxy ${p.url.host}: ${code ?? e.message}`, code, tlsFailed ? o.caFile : undefined));
  });
  tunnelReq.end();
  return undefined;
}

/** Node's request options for `url`: direct, through a plain-HTTP proxy, or in a tunnel. */
function requestOptions(
  o: { url: URL; method: 'GET' | 'POST'; proxy: Proxy | undefined; headers: Record<string, string>; userAgent: string | undefined; pool: Pool },
  tunnel: (cb: OnCreate) => undefined,
): http.RequestOptions {
  const { url, proxy } = o;
  const https = url.protocol === 'https:';
  const plainProxy = !https ? proxy : undefined;
  return {
    method: o.method,
    protocol: plainProxy ? plainProxy.url.protocol : url.protocol,
    hostname: plainProxy ? bareHost(plainProxy.url.hostname) : bareHost(url.hostname),
    port: plainProxy ? proxyPort(plainProxy.url) : url.port || undefined,
    // Without an agent Node would take 80 as the default port and send `Host: name:80`.
    defaultPort: https ? 443 : 80,
    path: plainProxy ? url.href : `${url.pathname}${url.search}`,
    ...(proxy && https
      ? { createConnection: (_options, oncreate) => tunnel(oncreate as OnCreate) }
      : { agent: o.pool.agentFor(plainProxy ? plainProxy.url.protocol : url.protocol) }),
    headers: {
      accept: 'application/json',
      'user-agent': o.userAgent ?? 'gitlab-registry-login',
      ...(plainProxy ? { host: url.host, ...(plainProxy.authorization ? { 'proxy-authorization': plainProxy.authorization } : {}) } : {}),
      ...(o.method === 'POST' ? { 'content-length': '0' } : {}),
      ...o.headers,
    },
  };
}

/** The response read whole (at most `maxBytes`), with every WWW-Authenticate header as sent. */
function readResponse(
  res: http.IncomingMessage,
  o: { url: URL; maxBytes: number; caFile: string | undefined },
  finish: (err: HttpError | undefined, res?: HttpResponse) => void,
): void {
  const origin = o.url.origin;
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size > o.maxBytes) {
      res.destroy();
      finish(new HttpError('too-large', `${origin} sent more than ${Math.round(o.maxBytes / 1024)} KiB`));
      return;
    }
    chunks.push(c);
  });
  res.once('error', (e) => finish(classify(e, origin, o.caFile)));
  res.once('end', () => {
    const wwwAuthenticate: string[] = [];
    for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
      if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') wwwAuthenticate.push(res.rawHeaders[i + 1]!);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    finish(undefined, { url: o.url.href, status: res.statusCode ?? 0, headers: res.headers, wwwAuthenticate, body });
  });
}

export function createHttpClient(options: HttpOptions): HttpClient {
  const env = options.env ?? process.env;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const caFile = options.caFile;
  const ca = caFile ? readCa(caFile) : undefined;
  const verify: Verify = { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  // Ignored (see tlsEnvNotice); dropped so that Node does not warn that TLS is now insecure, which it is not here.
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED !== undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  const pool = connectionPool(verify);

  const get = (rawUrl: string, headers: Record<string, string> = {}, call: GetOptions = {}): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      let url: URL;
      let proxy: Proxy | undefined;
      try {
        url = parseTarget(rawUrl);
        proxy = proxyConfigFor(url, env);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const origin = url.origin;
      const timeoutMs = Math.max(0, Math.min(call.timeoutMs ?? options.timeoutMs, options.timeoutMs));
      const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? 10_000, timeoutMs);
      let done = false;
      let req: http.ClientRequest | undefined;
      const finish = (err: HttpError | undefined, res?: HttpResponse) => {
        if (done) return;
        done = true;
        clearTimeout(total);
        attempt.end();
        if (err) {
          req?.destroy();
          reject(err);
        } else resolve(res!);
      };
      const total = setTimeout(() => finish(new HttpError('timeout', `${origin} did not answer within ${seconds(timeoutMs)} s`)), timeoutMs);
      const through = proxy ? ` through the proxy ${proxy.url.host}` : '';
      const attempt = new Attempt(connectTimeoutMs, () =>
        finish(new HttpError('timeout', `timed out connecting to ${origin}${through} (${seconds(connectTimeoutMs)} s)`)),
      );
      const tunnel = (cb: OnCreate) => openTunnel({ proxy: proxy!, url, verify, pool, attempt, caFile }, cb);
      const https = url.protocol === 'https:';
      req = (https ? httpsLib() : http).request(
        requestOptions({ url, method: call.method ?? 'GET', proxy, headers, userAgent: options.userAgent, pool }, tunnel),
      );
      req.once('socket', (socket) => {
        pool.own(socket);
        if (!socket.connecting) return;
        attempt.connecting();
        socket.once(https ? 'secureConnect' : 'connect', () => attempt.connected());
      });
      req.once('error', (e) => finish(classify(e, origin, caFile)));
      req.once('response', (res) => readResponse(res, { url, maxBytes, caFile }, finish));
      req.end();
    });

  return {
    get: traceGet(get), // --debug: a line per request (core/debug.ts)
    timeoutMs: options.timeoutMs,
    close: () => pool.close(),
  };
}

/**
 * A view of `client` whose requests, retries included, share one budget of `totalMs` (default: the client's own
 * timeout): `--timeout` bounds a whole verification, not each request. Each request gets what is left.
 */
export function budget(client: HttpClient, totalMs = client.timeoutMs): HttpClient {
  if (totalMs === undefined) return client;
  const now = () => Number(process.hrtime.bigint() / 1_000_000n);
  const parentLeft = client.remainingMs?.();
  const end = now() + Math.min(totalMs, parentLeft ?? Infinity);
  const remainingMs = () => Math.max(0, end - now());
  return {
    get(url, headers, call = {}) {
      const left = remainingMs();
      if (left <= 0)
        return Promise.reject(new HttpError('timeout', `${safeOrigin(url)} was not asked: --timeout (${Math.round(totalMs / 100) / 10} s) ran out`));
      return client.get(url, headers, { ...call, timeoutMs: Math.min(call.timeoutMs ?? left, left) });
    },
    timeoutMs: totalMs,
    remainingMs,
    close: () => client.close(),
  };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the server';
  }
}
