// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { bearerChallenge, parseChallenges, type Challenge } from './challenge.js';
import { InputError } from './errors.js';
import { gitlabBase, isLoopbackHost, registryCandidates, type RegistryAddress } from './hosts.js';
import { HttpError, type HttpClient, type HttpResponse } from './http.js';
import { failure, success, verdict, type Result, type Verdict } from './verdict.js';
import { quote } from './sanitise.js';

/** The registry's answer to an anonymous `GET /v2/`: where it is and where its tokens come from. */
export interface RegistryChallenge {
  /** `https://registry.example.com` or, for plain-HTTP loopback registries, `http://127.0.0.1:5000`. */
  baseUrl: string;
  realm: string;
  service?: string;
  challenges: Challenge[];
  /** The registry's `Date` header, for the clock check. */
  date?: string;
}

/** A transport failure as a verdict, naming what could not be reached. */
export function transportVerdict(err: unknown, what: string): Verdict {
  if (err instanceof HttpError) {
    if (err.code === 'tls') {
      return verdict(
        'tls-error',
        `${what}: ${err.message}.`,
        err.detail === 'CERT_HAS_EXPIRED'
          ? 'The certificate has expired: tell the instance admin.'
          : err.detail === 'ERR_TLS_CERT_ALTNAME_INVALID'
            ? 'Use the host name the certificate is for, or tell the instance admin.'
            : err.caFile
              ? // --ca-file was passed: suggesting it again would send the user in a circle.
                `The certificate is signed by none of the CAs in --ca-file ${err.caFile} (nor one this machine trusts): check that the file holds the CA (or intermediate) that signed the server's certificate, e.g. with \`openssl s_client -showcerts\`.`
              : 'If the instance uses a private CA, pass --ca-file PATH (or set NODE_EXTRA_CA_CERTS); for docker, put the CA in /etc/docker/certs.d/HOST/ca.crt.',
      );
    }
    if (err.code === 'not-tls')
      return verdict('tls-error', `${what}: ${err.message}.`, 'The server answers plain HTTP where HTTPS was expected; check the host and port.');
    if (err.code === 'too-large') return verdict('not-a-registry', `${what}: ${err.message}; that is not a registry's answer.`, 'Check the host and port.');
    const fix =
      err.code === 'dns'
        ? 'Check the spelling of the host; on a VPN-only instance, connect the VPN first.'
        : err.code === 'proxy'
          ? 'Check HTTPS_PROXY / NO_PROXY.'
          : 'Check the host and port, your network, VPN and HTTPS_PROXY / NO_PROXY; raise --timeout on a slow link.';
    return verdict('unreachable', `${what}: ${err.message}.`, fix);
  }
  throw err;
}

/** Waits `ms` milliseconds; injected where tests must not wait in real time. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export interface RetryOptions {
  /** Retries after the first request (default 2). */
  retries?: number;
  sleep?: Sleep;
}

/**
 * GET with bounded retries on 429 and 5xx (Retry-After honoured up to 2 s, two retries).
 * Transport errors are not retried: they already waited for their timeout.
 */
export async function getWithRetry(
  http: HttpClient,
  url: string,
  headers?: Record<string, string>,
  { retries = 2, sleep = realSleep }: RetryOptions = {},
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const res = await http.get(url, headers);
    if (attempt >= retries || !(res.status === 429 || (res.status >= 500 && res.status <= 599))) return res;
    const after = Number(res.headers['retry-after']);
    const delay = Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, 2000) : 250 * (attempt + 1);
    // --timeout bounds the whole run, retries included: no retry when what is left would not cover the wait.
    const left = http.remainingMs?.();
    if (left !== undefined && left <= delay + 50) return res;
    await sleep(delay);
  }
}

/**
 * Ask the registry for its challenge: HTTPS first; a loopback registry may also answer plain HTTP
 * (as docker allows). Returns the challenge, or the verdict explaining why there is none.
 */
export async function fetchChallenge(
  http: HttpClient,
  address: RegistryAddress,
  { knownScheme, sleep }: { knownScheme?: 'https' | 'http'; sleep?: Sleep | undefined } = {},
): Promise<Result<RegistryChallenge>> {
  // Off loopback: HTTPS only. On loopback (as docker allows) plain HTTP too, tried first: a local registry
  // usually is plain HTTP, and the challenge request carries no credentials either way. A TLS registry's 400
  // to plain HTTP sends the request on to HTTPS (below).
  const loopback = isLoopbackHost(address.hostname);
  const schemes: Array<'https' | 'http'> = !loopback ? ['https'] : knownScheme === 'https' ? ['https', 'http'] : ['http', 'https'];
  let res: HttpResponse | undefined;
  let baseUrl = '';
  const errors: Partial<Record<'https' | 'http', unknown>> = {};
  for (const [i, scheme] of schemes.entries()) {
    const url = `${scheme}://${address.registry}`;
    try {
      [res, baseUrl] = [await getWithRetry(http, `${url}/v2/`, undefined, sleep ? { sleep } : {}), url];
      // A TLS listener answers a plain-HTTP request with 400 (the distribution registry, through Go's net/http:
      // "Client sent an HTTP request to an HTTPS server."): on loopback that says "speak TLS", which docker's
      // HTTPS-first order finds at once; HTTPS's own failure (an untrusted certificate) is then the answer.
      if (scheme === 'http' && res.status === 400 && schemes[i + 1] === 'https') continue;
      break;
    } catch (e) {
      errors[scheme] = e;
      if (scheme === 'https' && res?.status === 400) res = undefined;
      // A timeout or an unknown name would only repeat itself.
      // An answer too large came from a server that speaks this scheme: the other one would only hide it.
      if (!(e instanceof HttpError) || e.code === 'timeout' || e.code === 'dns' || e.code === 'too-large') break;
    }
  }
  // Both failed: the HTTPS error says more (a TLS problem) than the reset a plaintext request gets from a TLS port.
  // Except when one scheme got an answer, only too large: that server speaks it, and that is the answer.
  const tooLarge = Object.values(errors).find((e) => e instanceof HttpError && e.code === 'too-large');
  if (!res) return failure(transportVerdict(tooLarge ?? errors.https ?? errors.http, `the registry ${address.registry} cannot be reached`));
  const where = `${address.registry}`;
  if (res.status === 200) {
    return failure(
      verdict(
        'not-a-registry',
        `${where} answers /v2/ without asking for credentials, so it is not a GitLab container registry.`,
        'Check the registry host: GitLab registries always ask for a token.',
      ),
    );
  }
  if (res.status !== 401) {
    return failure(
      verdict(
        'not-a-registry',
        `${where} answered /v2/ with HTTP ${res.status}, not a registry's 401 challenge.`,
        res.status === 404 || res.status >= 500
          ? 'Check the registry host and port (on self-managed GitLab it is often registry.HOST or HOST:5050), and that the container registry is enabled.'
          : 'Check the registry host and port.',
      ),
    );
  }
  let challenges: Challenge[];
  try {
    challenges = parseChallenges(res.wwwAuthenticate);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return failure(
      verdict('not-a-registry', `${where} sent a malformed WWW-Authenticate header (${e.message}).`, 'Check the registry host, or any proxy in front of it.'),
    );
  }
  const bearer = bearerChallenge(challenges);
  if (!bearer) {
    const schemesSeen = challenges.map((c) => c.scheme).join(', ') || 'none';
    return failure(
      verdict(
        'not-a-registry',
        `${where} does not use token authentication (challenge: ${schemesSeen}), so it is not a GitLab container registry.`,
        'GitLab registries answer with a Bearer challenge whose realm is GITLAB/jwt/auth; check the registry host.',
      ),
    );
  }
  const date = typeof res.headers.date === 'string' ? res.headers.date : undefined;
  return success({
    baseUrl,
    realm: bearer.params.realm!,
    ...(bearer.params.service ? { service: bearer.params.service } : {}),
    challenges,
    ...(date ? { date } : {}),
  });
}

/** Where the token may be sent, or why not. */
export interface RealmDecision {
  realm: URL;
  /** The GitLab instance: the known one, else the realm's origin. */
  gitlab: string;
}

/**
 * Realm safety: the token travels only over HTTPS (plain HTTP to loopback alone) and only to the
 * known GitLab instance's host, unless `trustRealm` says another host is fine.
 */
export function decideRealm(realmText: string, gitlab: URL | undefined, trustRealm: boolean): Result<RealmDecision> {
  let realm: URL;
  try {
    realm = new URL(realmText);
  } catch {
    return failure(
      verdict('not-a-registry', `the registry's realm "${quote(realmText, 100)}" is not a URL.`, 'The registry is misconfigured; tell the instance admin.'),
    );
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    return failure(
      verdict('not-a-registry', `the registry's realm uses ${realm.protocol}, not https.`, 'The registry is misconfigured; tell the instance admin.'),
    );
  }
  if (realm.username || realm.password) {
    return failure(
      verdict('untrusted-realm', `the registry's realm ${realm.host} carries user info; the token is not sent there.`, 'Check the registry host.'),
    );
  }
  if (realm.protocol === 'http:' && !isLoopbackHost(realm.hostname)) {
    return failure(
      verdict(
        'untrusted-realm',
        `the registry sends logins to ${realm.origin} over plain HTTP; the token is never sent unencrypted.`,
        "Ask the instance admin to serve GitLab over HTTPS (the registry's auth.token.realm).",
      ),
    );
  }
  // GitLab's realm is always GITLAB_URL/jwt/auth (doc/administration/packages/container_registry.md, `auth: token:
  // realm: https://gitlab.example.com/jwt/auth`; a relative URL root puts a prefix before it). Any other path on the
  // instance (`https://gitlab/../../api/v4/user` is /api/v4/user) would receive the Basic credential: refused.
  if (!/^(?:\/[^/]+)*\/jwt\/auth\/?$/.test(realm.pathname)) {
    return failure(
      verdict(
        'untrusted-realm',
        `the registry sends logins to ${quote(realm.origin + realm.pathname, 120)}, which is not a GitLab token endpoint (…/jwt/auth); the token was not sent.`,
        "Check --registry; if it is your GitLab's registry, its auth.token.realm is wrong: tell the instance admin.",
      ),
    );
  }
  if (gitlab && !trustRealm) {
    const sameHost = realm.hostname.toLowerCase() === gitlab.hostname.toLowerCase() && effectivePort(realm) === effectivePort(gitlab);
    if (!sameHost) {
      return failure(
        verdict(
          'untrusted-realm',
          `the registry sends logins to ${realm.host}, which is not the GitLab instance ${gitlab.host}; the token was not sent.`,
          `If ${realm.host} really is your GitLab's login endpoint, pass --gitlab ${instanceOfRealm(realm)} or --trust-realm; otherwise check --registry.`,
        ),
      );
    }
  }
  if (!gitlab || trustRealm) return success({ realm, gitlab: instanceOfRealm(realm) });
  // `--gitlab https://host` for an instance at https://host/gitlab: its realm (on the same host) says the prefix.
  const given = gitlabBase(gitlab);
  const own = instanceOfRealm(realm);
  return success({ realm, gitlab: own.startsWith(`${given}/`) ? own : given });
}

/**
 * The instance a GitLab realm is on: the realm is GITLAB_URL/jwt/auth (doc/administration/packages/container_registry.md,
 * `auth: token: realm`), so an instance under a relative URL root (https://host/gitlab) keeps its prefix.
 */
export function instanceOfRealm(realm: URL): string {
  return `${realm.origin}${realm.pathname.replace(/\/jwt\/auth\/?$/, '')}`;
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

/**
 * gitlab.com's registry, or for self-managed the first of registryCandidates() (`registry.HOST`,
 * `registry.DOMAIN` beside `gitlab.DOMAIN`, `HOST:5050`) whose realm is on the instance.
 */
export async function discoverRegistry(http: HttpClient, gitlab: URL): Promise<{ registry: string; realm: string } | undefined> {
  return (await findRegistry(http, gitlab)).found;
}

/** What discovery found for an instance; else the candidates it tried, and why the first one is not the registry. */
export interface Discovery {
  found?: { registry: string; realm: string };
  tried: string[];
  why?: string;
}

/** `discoverRegistry`, with what it tried and why the first candidate failed (the wizard says it). */
export async function findRegistry(http: HttpClient, gitlab: URL): Promise<Discovery> {
  const host = gitlab.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'gitlab.com') return { found: { registry: 'registry.gitlab.com', realm: 'https://gitlab.com/jwt/auth' }, tried: [] };
  const tried = registryCandidates(host);
  const probes = tried.map(async (registry) => {
    const [hostname, port] = registry.startsWith('[') ? [host, '5050'] : registry.split(':');
    // Only a registry whose realm is this instance's counts: the token never goes elsewhere.
    const c = await fetchChallenge(http, { hostname: hostname!, ...(port ? { port: Number(port) } : {}), registry });
    if (!c.ok) return { why: c.verdict.message.replace(/\.$/, '') };
    return decideRealm(c.value.realm, gitlab, false).ok
      ? { found: { registry, realm: c.value.realm } }
      : { why: `${registry} does not send logins to ${gitlab.host}` };
  });
  // One probe failing in an unexpected way must not hide the other's answer.
  const results = await Promise.allSettled(probes);
  for (const r of results) if (r.status === 'fulfilled' && r.value.found) return { found: r.value.found, tried };
  // A setting that is wrong (a socks5:// proxy, a bad %-escape) is the user's to fix, not "no registry found".
  for (const r of results) if (r.status === 'rejected' && r.reason instanceof InputError) throw r.reason;
  const first = results[0];
  return first?.status === 'fulfilled' && first.value.why ? { tried, why: first.value.why } : { tried };
}

/** "No registry found for HOST (tried A, B and C): WHY" (verify and the wizard alike). */
export function noRegistryFound(gitlab: URL, d: Pick<Discovery, 'tried' | 'why'>): string {
  const tried = d.tried.length > 1 ? `${d.tried.slice(0, -1).join(', ')} and ${d.tried.at(-1)}` : d.tried.join('');
  return `No registry found for ${gitlab.host} (tried ${tried})${d.why ? `: ${d.why}` : ''}.`;
}
