// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * `--debug` (or GITLAB_REGISTRY_LOGIN_DEBUG=1): one line per step on stderr — each request (method, host, path,
 * status, time) and each engine command (argv, outcome, time) — so a failed login can be followed. Every line
 * goes through redact(): the secrets seen on the way (an Authorization header's credential, the password an
 * engine gets on stdin, a credential helper's Secret), any JWT, any GitLab token and URL credentials are
 * replaced, so a debug log can be pasted into an issue as it is. Off, it costs one check per request.
 */

let write: ((line: string) => void) | undefined;
let t0 = 0;
const secrets = new Set<string>();
const now = () => Number(process.hrtime.bigint() / 1_000_000n);

export function debugWanted(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const v = env.GITLAB_REGISTRY_LOGIN_DEBUG;
  return argv.includes('--debug') || v === '1' || v === 'true';
}

export function enableDebug(out: (line: string) => void = (s) => void process.stderr.write(s)): void {
  write = out;
  t0 = now();
}

export function debugEnabled(): boolean {
  return write !== undefined;
}

/** One debug line (nothing when debug is off). */
export function debug(line: string): void {
  if (write) write(`debug +${now() - t0} ms ${redact(line)}\n`);
}

/** A value never to be shown in a debug line or a stack trace. */
export function addSecret(s: string | undefined): void {
  const v = s?.trim();
  if (v && v.length >= 4) secrets.add(v);
}

/** Remember the credential inside an Authorization header's value (Basic user:secret, or Bearer token). */
function addAuthorization(value: string): void {
  addSecret(value);
  const [scheme, credential] = value.split(/\s+/, 2);
  if (!credential) return;
  addSecret(credential);
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) addSecret(decoded.slice(colon + 1));
  }
}

const GITLAB_TOKEN = /\b(glpat|gldt|glcbt|glptt|glrt|glrtr|gloas|glsoat|glft|glimt|glagent|glffct|glwt|gltst)-[A-Za-z0-9_.-]{8,}/g;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const AUTH_HEADER = /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?!\[redacted)(?:(?:basic|bearer)\s+)?[^\s"',;)\]]+/gi;
const URL_CREDENTIALS = /(\/\/)[^/\s@:]*:[^/\s@]*@/g;
const SECRET_PARAM = /([?&;](?:[a-z_]*token|password|passwd|secret|client_secret)=)[^&\s]+/gi;

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out
    .replace(JWT, '[redacted JWT]')
    .replace(GITLAB_TOKEN, '$1-[redacted]')
    .replace(AUTH_HEADER, '$1$2[redacted]')
    .replace(URL_CREDENTIALS, '$1[redacted]@')
    .replace(SECRET_PARAM, '$1[redacted]');
}

function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol === 'http:' ? 'http://' : ''}${u.host} ${u.pathname}${u.search}`;
  } catch {
    return '(not a URL)';
  }
}

type Get<R> = (url: string, headers?: Record<string, string>, call?: { timeoutMs?: number; method?: 'GET' | 'POST' }) => Promise<R>;

/** The HTTP client's get, with a debug line per request (the client is core/http.ts). */
export function traceGet<R extends { status: number }>(get: Get<R>): Get<R> {
  return (url, headers = {}, call) => {
    if (!write) return get(url, headers, call);
    const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    if (auth) addAuthorization(auth);
    const started = now();
    const line = `http ${call?.method ?? 'GET'} ${where(url)}${auth ? ' (Authorization: [redacted])' : ''}`;
    return get(url, headers, call).then(
      (res) => {
        debug(`${line} -> ${res.status} in ${now() - started} ms`);
        return res;
      },
      (e: Error & { code?: string }) => {
        debug(`${line} -> failed in ${now() - started} ms: ${e.code ? `${e.code}: ` : ''}${e.message}`);
        throw e;
      },
    );
  };
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);

function secretsInJson(text: string): void {
  if (!text.trimStart().startsWith('{')) return;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    for (const k of ['Secret', 'Password', 'password', 'secret', 'identitytoken', 'IdentityToken']) if (typeof j[k] === 'string') addSecret(j[k]);
  } catch {
    /* not JSON */
  }
}

/** What traceRunner needs of the process runner (core/process.ts, which imports this module). */
type Run = (
  file: string,
  args: readonly string[],
  options: { input: string; env: NodeJS.ProcessEnv; timeoutMs: number },
) => Promise<{ exitCode: number | undefined; stdout: string; timedOut: boolean; notFound: boolean }>;

/** The process runner, with a debug line per command. */
export function traceRunner<R extends Run>(run: R): R {
  return (async (file, args, options) => {
    if (!write) return run(file, args, options);
    // What an engine or a credential helper reads on stdin is a password or a credential (JSON with a Secret).
    if (args.includes('--password-stdin')) addSecret(options.input);
    secretsInJson(options.input);
    const started = now();
    const r = await run(file, args, options);
    secretsInJson(r.stdout);
    const outcome = r.notFound ? 'not found' : r.timedOut ? 'timed out' : `exit ${r.exitCode ?? 'by signal'}`;
    debug(`run ${[file, ...args].map(quote).join(' ')}${options.input ? ' (stdin: [redacted])' : ''} -> ${outcome} in ${now() - started} ms`);
    return r;
  }) as R;
}
