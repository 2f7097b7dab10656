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
import { isLoopbackHost } from './hosts.js';

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
  ) {
    super(message);
  }
}

export interface HttpClient {
  get(url: string, headers?: Record<string, string>): Promise<HttpResponse>;
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

function classify(err: NodeJS.ErrnoException & { reason?: string }, origin: string): HttpError {
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
    return new HttpError('tls', `TLS with ${origin} failed: ${why} (${code})`, code);
  }
  return new HttpError('other', `request to ${origin} failed: ${m.split('\n')[0]}`, code || undefined);
}

/** The proxy for a URL per HTTPS_PROXY/HTTP_PROXY/NO_PROXY; loopback is never proxied (as Go and docker do). */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv): URL | undefined {
  if (isLoopbackHost(target.hostname)) return undefined;
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  const raw = target.protocol === 'https:' ? pick('https_proxy', 'HTTPS_PROXY') : pick('http_proxy', 'HTTP_PROXY');
  if (!raw) return undefined;
  const noProxy = pick('no_proxy', 'NO_PROXY') ?? '';
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const entry of noProxy.split(/[\s,]+/)) {
    if (!entry) continue;
    if (entry === '*') return undefined;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.toLowerCase())!;
    const name = m[1]!.replace(/^\*?\.?/, '').replace(/^\[|\]$/g, '');
    if (m[2] && m[2] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new HttpError('proxy', 'the proxy variable is not a URL');
  }
}

function proxyAuth(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const cred = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(cred).toString('base64')}` };
}

/** An https agent that reaches its targets through an HTTP proxy's CONNECT tunnel. */
function tunnelAgent(proxy: URL, options: https.AgentOptions): https.Agent {
  const agent = new (httpsLib().Agent)(options);
  agent.createConnection = (opts: tls.ConnectionOptions & { host?: string; port?: number }, cb: (err: Error | null, s?: Duplex) => void) => {
    tunnel(proxy, opts, cb);
    return undefined;
  };
  return agent;
}

/** Open a CONNECT tunnel through `proxy` and hand back a TLS socket to the target. */
function tunnel(proxy: URL, options: tls.ConnectionOptions & { host?: string; port?: number; timeout?: number }, cb: (err: Error | null, s?: Duplex) => void): void {
  const target = `${options.host}:${options.port}`;
  const req = http.request({
    host: proxy.hostname,
    port: proxy.port || 80,
    method: 'CONNECT',
    path: target,
    headers: { host: target, ...proxyAuth(proxy) },
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  });
  req.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      cb(new HttpError('proxy', `the proxy refused the tunnel to ${target} (HTTP ${res.statusCode})`));
      return;
    }
    cb(null, tlsLib().connect({ ...options, socket, servername: options.servername ?? options.host }));
  });
  req.once('error', (e) => cb(new HttpError('proxy', `cannot reach the proxy ${proxy.host}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
  req.end();
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
  extra.push(text);
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

export function createHttpClient(options: HttpOptions): HttpClient {
  const env = options.env ?? process.env;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? 10_000, options.timeoutMs);
  const ca = options.caFile ? readCa(options.caFile) : undefined;
  const agents = new Map<string, http.Agent>();
  const agentFor = (url: URL): http.Agent => {
    const proxy = proxyFor(url, env);
    const key = `${url.protocol}|${proxy?.href ?? ''}`;
    let agent = agents.get(key);
    if (!agent) {
      const base = { keepAlive: true, maxSockets: 4 };
      if (url.protocol === 'http:') agent = new http.Agent(base);
      else if (proxy) agent = tunnelAgent(proxy, { ...base, ...(ca ? { ca } : {}) });
      else agent = new (httpsLib().Agent)({ ...base, ...(ca ? { ca } : {}) });
      agents.set(key, agent);
    }
    return agent;
  };

  const get = (rawUrl: string, headers: Record<string, string> = {}): Promise<HttpResponse> =>
    new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        reject(new HttpError('other', 'not a URL'));
        return;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        reject(new HttpError('other', `unsupported URL scheme ${url.protocol}`));
        return;
      }
      const origin = url.origin;
      let proxy: URL | undefined;
      try {
        proxy = proxyFor(url, env);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      const lib = url.protocol === 'https:' ? httpsLib() : http;
      const plainProxy = proxy && url.protocol === 'http:';
      const req = lib.request({
        method: 'GET',
        protocol: plainProxy ? 'http:' : url.protocol,
        hostname: plainProxy ? proxy!.hostname : url.hostname.replace(/^\[|\]$/g, ''),
        port: plainProxy ? proxy!.port || 80 : url.port || undefined,
        path: plainProxy ? url.href : `${url.pathname}${url.search}`,
        agent: agentFor(url),
        headers: {
          accept: 'application/json',
          'user-agent': options.userAgent ?? 'gitlab-registry-login',
          ...(plainProxy ? { host: url.host, ...proxyAuth(proxy!) } : {}),
          ...headers,
        },
      });
      let done = false;
      const finish = (err: HttpError | undefined, res?: HttpResponse) => {
        if (done) return;
        done = true;
        clearTimeout(total);
        clearTimeout(connect);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(res!);
      };
      const total = setTimeout(() => finish(new HttpError('timeout', `${origin} did not answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
      let connect: NodeJS.Timeout | undefined;
      req.once('socket', (socket) => {
        if (!socket.connecting) return;
        connect = setTimeout(() => finish(new HttpError('timeout', `timed out connecting to ${origin} (${connectTimeoutMs / 1000} s)`)), connectTimeoutMs);
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connect));
      });
      req.once('error', (e) => finish(classify(e, origin)));
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            finish(new HttpError('too-large', `${origin} sent more than ${Math.round(maxBytes / 1024)} KiB`));
            return;
          }
          chunks.push(c);
        });
        res.once('error', (e) => finish(classify(e, origin)));
        res.once('end', () => {
          const wwwAuthenticate: string[] = [];
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i]!.toLowerCase() === 'www-authenticate') wwwAuthenticate.push(res.rawHeaders[i + 1]!);
          }
          finish(undefined, {
            url: url.href,
            status: res.statusCode ?? 0,
            headers: res.headers,
            wwwAuthenticate,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end();
    });

  return {
    get,
    close() {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}
