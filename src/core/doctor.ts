// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** `doctor`: every link from the engine to GitLab, in order, each pass / warn / fail / skip with a fix. */
import { isIP } from 'node:net';
import { CREDENTIALS, requiredScopes, type Access, type CredentialType } from './credentials.js';
import { resolveEngine, type EngineChoice } from './engine.js';
import { childEnv, type Runner } from './process.js';
import { readEngineConfig, type EngineConfig } from './authconfig.js';
import { askStore, describeHelper, helperAdvice, isGlab, whereDockerKeeps } from './credstore.js';
import { gitlabBase, isLoopbackHost, type RegistryAddress } from './hosts.js';
import { proxyFor, type HttpClient } from './http.js';
import type { NetProbes } from './netprobe.js';
import { decideRealm, fetchChallenge, type RegistryChallenge } from './registry.js';
import { verifySession } from './session.js';
import type { Answer, LoginRequest } from './request.js';
import { quote, sanitise } from './sanitise.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorInput {
  registry?: RegistryAddress;
  gitlab?: URL;
  project?: string;
  credentialType?: CredentialType;
  username?: string;
  token?: string;
  access: Access;
  trustRealm: boolean;
  engine: EngineChoice;
  caFile?: string;
  timeoutMs: number;
}

export interface DoctorDeps {
  http: HttpClient;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  probes: NetProbes;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/** The order of the report, whatever order the checks ran in. */
export const CHECK_ORDER = [
  'engine.found',
  'engine.daemon',
  'docker.config',
  'docker.helpers',
  'docker.stored',
  'docker.stored-accepted',
  'network.proxy',
  'network.dns',
  'network.tcp',
  'network.tls',
  'registry.challenge',
  'registry.realm',
  'registry.realm-answers',
  'registry.clock',
  'credential.verify',
  'credential.token-info',
] as const;

const TITLES: Record<string, string> = {
  'network.proxy': 'Proxy',
  'network.dns': 'DNS',
  'network.tcp': 'TCP connect',
  'network.tls': 'TLS',
  'registry.realm': 'Token realm',
  'registry.realm-answers': 'Token realm answers',
  'registry.clock': 'Clock',
};

const SECTION: Record<string, string> = { engine: 'Engine', docker: 'Docker config', network: 'Network', registry: 'Registry', credential: 'Credential' };
export const sectionOf = (id: string) => SECTION[id.split('.')[0]!] ?? id;

const UNKNOWN_CA = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT/;

/** A credential's type guessed from its username, for the messages only. */
function guessType(username: string): CredentialType {
  if (username === 'gitlab-ci-token') return 'job-token';
  if (username.startsWith('gitlab+deploy-token')) return 'deploy-token';
  return 'personal-access-token';
}

function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[token]') : text;
}

export async function runDoctor(input: DoctorInput, deps: DoctorDeps): Promise<Check[]> {
  const now = deps.now ?? (() => Date.now());
  const env = deps.env;
  const checks: Check[] = [];
  // The one point where a check is built: what it quotes from a server (a certificate's subject, a realm, an
  // error body) or a file (a stored username) is sanitised here.
  const add = (c: Check) => checks.push({ ...c, detail: sanitise(c.detail), ...(c.fix !== undefined ? { fix: sanitise(c.fix) } : {}) });
  const registry = input.registry;

  // Engine.
  const engine = resolveEngine(input.engine, env);
  if ('verdict' in engine) {
    add({ id: 'engine.found', title: 'docker or podman', status: 'fail', detail: engine.message, fix: engine.fix });
    add({ id: 'engine.daemon', title: 'Engine daemon', status: 'skip', detail: 'no engine' });
  } else {
    const v = await deps.runner(engine.file, ['--version'], { input: '', env: childEnv(env, input.token ?? ''), timeoutMs: 5000 });
    const version = v.stdout.split('\n')[0]?.trim() || `${engine.engine} (version unknown)`;
    add({
      id: 'engine.found',
      title: `${engine.engine} found`,
      status: v.exitCode === 0 ? 'pass' : 'warn',
      detail: `${version} at ${engine.file}`,
      ...(v.exitCode === 0 ? {} : { fix: `\`${engine.engine} --version\` failed: reinstall it.` }),
    });
    if (engine.engine === 'podman') {
      add({ id: 'engine.daemon', title: 'Engine daemon', status: 'pass', detail: 'podman needs no daemon' });
    } else {
      const info = await deps.runner(engine.file, ['info', '--format', '{{.ServerVersion}}'], {
        input: '',
        env: childEnv(env, input.token ?? ''),
        timeoutMs: 5000,
      });
      add(
        info.exitCode === 0 && info.stdout.trim()
          ? { id: 'engine.daemon', title: 'Docker daemon', status: 'pass', detail: `running (${info.stdout.trim()})` }
          : {
              id: 'engine.daemon',
              title: 'Docker daemon',
              status: 'warn',
              detail: 'not running or not reachable: `docker login` works without it, `docker pull`/`push` do not',
              fix: 'Start Docker (Docker Desktop, or `sudo systemctl start docker`), and check that you may use its socket (the docker group).',
            },
      );
    }
  }

  // Docker config: readable, valid JSON, helpers present, a credential stored for this registry.
  const isPodman = !('verdict' in engine) && engine.engine === 'podman';
  const read = readEngineConfig(isPodman ? 'podman' : 'docker', env);
  const configFile = read.file;
  const config = 'config' in read ? read.config : undefined;
  const configOk = !('error' in read);
  if ('error' in read) {
    add({
      id: 'docker.config',
      title: 'Config file',
      status: 'fail',
      detail: `${configFile} ${read.error}`,
      fix: read.code
        ? `Check the owner and permissions of ${configFile}.`
        : `Repair ${configFile} or move it aside; ${isPodman ? 'podman' : 'docker'} writes a new one at the next login.`,
    });
  } else if ('missing' in read)
    add({ id: 'docker.config', title: 'Config file', status: 'pass', detail: `${configFile} does not exist yet (written at the first login)` });
  else add({ id: 'docker.config', title: 'Config file', status: 'pass', detail: `${configFile} is valid` });
  let stored: StoredLogin | undefined;
  if (!configOk) {
    add({ id: 'docker.helpers', title: 'Credential helper', status: 'skip', detail: 'the config file could not be read' });
    add({ id: 'docker.stored', title: 'Stored login', status: 'skip', detail: 'the config file could not be read' });
  } else {
    const found = await storeChecks({
      isPodman,
      engineFile: 'verdict' in engine ? undefined : engine.file,
      config,
      configFile,
      registry: registry?.registry,
      env,
      runner: deps.runner,
      secret: input.token ?? '',
    });
    for (const c of found.checks) add(c);
    stored = found.stored;
  }

  // Network.
  let tcpOk = true;
  if (!registry) {
    for (const id of ['network.proxy', 'network.dns', 'network.tcp', 'network.tls'] as const)
      add({ id, title: TITLES[id] ?? id, status: 'skip', detail: 'no registry given (--registry or --gitlab)' });
  } else {
    const port = registry.port ?? 443;
    const proxy = proxyFor(new URL(`https://${registry.registry}/`), env);
    add({
      id: 'network.proxy',
      title: 'Proxy',
      status: 'pass',
      detail: proxy
        ? `${proxy.protocol}//${proxy.host} is used for ${registry.registry} (HTTPS_PROXY; docker uses it too, the daemon has its own)`
        : `no proxy for ${registry.registry}`,
    });
    let resolves = true;
    if (isIP(registry.hostname) || registry.hostname === 'localhost')
      add({ id: 'network.dns', title: 'DNS', status: 'skip', detail: `${registry.hostname} needs no lookup` });
    else {
      try {
        const addrs = await deps.probes.lookup(registry.hostname);
        add({ id: 'network.dns', title: 'DNS', status: 'pass', detail: `${registry.hostname} → ${addrs.slice(0, 3).join(', ')}` });
      } catch (e) {
        resolves = proxy !== undefined;
        add({
          id: 'network.dns',
          title: 'DNS',
          status: proxy ? 'warn' : 'fail',
          detail: `${registry.hostname} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'})${proxy ? '; the proxy may resolve it' : ''}`,
          fix: 'Check the spelling; for an internal instance connect the VPN; check /etc/resolv.conf.',
        });
      }
    }
    if (!resolves) {
      tcpOk = false;
      add({ id: 'network.tcp', title: 'TCP connect', status: 'skip', detail: 'the name does not resolve' });
    } else {
      try {
        await deps.probes.connect(registry.hostname, port, Math.min(input.timeoutMs, 10_000));
        add({ id: 'network.tcp', title: 'TCP connect', status: 'pass', detail: `${registry.hostname} port ${port} accepts connections` });
      } catch (e) {
        tcpOk = proxy !== undefined;
        add({
          id: 'network.tcp',
          title: 'TCP connect',
          status: proxy ? 'warn' : 'fail',
          detail: `cannot connect to ${registry.hostname} port ${port} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          fix: 'Check the port (self-managed registries are often on 5050 or a registry.HOST name), firewalls and the VPN.',
        });
      }
    }
  }

  // Registry: the challenge decides whether TLS applies (plain HTTP on loopback).
  let challenge: RegistryChallenge | undefined;
  if (registry) {
    const c = await fetchChallenge(deps.http, registry);
    if ('verdict' in c) add({ id: 'registry.challenge', title: '/v2/ challenge', status: 'fail', detail: c.message, fix: c.fix });
    else {
      challenge = c;
      add({
        id: 'registry.challenge',
        title: '/v2/ challenge',
        status: 'pass',
        detail: `Bearer realm="${quote(c.realm)}"${c.service ? `, service="${quote(c.service)}"` : ''}`,
      });
    }
  } else add({ id: 'registry.challenge', title: '/v2/ challenge', status: 'skip', detail: 'no registry given' });

  if (registry) {
    const plain = challenge?.baseUrl.startsWith('http:') === true;
    if (plain) add({ id: 'network.tls', title: 'TLS', status: 'skip', detail: 'the loopback registry answers plain HTTP' });
    else if (!tcpOk) add({ id: 'network.tls', title: 'TLS', status: 'skip', detail: 'no connection' });
    else {
      const port = registry.port ?? 443;
      try {
        const t = await deps.probes.tls(registry.hostname, port, Math.min(input.timeoutMs, 10_000), input.caFile);
        const days = t.validTo ? Math.floor((t.validTo.getTime() - now()) / 86_400_000) : undefined;
        const about = `${t.subject ? `certificate for ${quote(t.subject, 100)}` : 'certificate'}${t.issuer ? ` issued by ${quote(t.issuer, 100)}` : ''}${days !== undefined ? `, valid ${days} more days` : ''}`;
        if (t.authorized) {
          add(
            days !== undefined && days < 14
              ? { id: 'network.tls', title: 'TLS', status: 'warn', detail: about, fix: 'The certificate expires soon: tell the instance admin.' }
              : { id: 'network.tls', title: 'TLS', status: 'pass', detail: about },
          );
        } else if (UNKNOWN_CA.test(t.error ?? '')) {
          add({
            id: 'network.tls',
            title: 'TLS',
            status: 'fail',
            detail: `${about}: not signed by a CA this machine trusts (${t.error})`,
            fix: `Get your organisation's CA certificate; for this tool set NODE_EXTRA_CA_CERTS=ca.pem or pass --ca-file ca.pem; for docker put it in /etc/docker/certs.d/${registry.registry}/ca.crt.`,
          });
        } else if (t.error === 'CERT_HAS_EXPIRED')
          add({ id: 'network.tls', title: 'TLS', status: 'fail', detail: `${about}: expired`, fix: 'The certificate has expired: tell the instance admin.' });
        else if (t.error === 'ERR_TLS_CERT_ALTNAME_INVALID')
          add({
            id: 'network.tls',
            title: 'TLS',
            status: 'fail',
            detail: `${about}: not valid for ${registry.hostname}`,
            fix: 'Use the host name the certificate is for, or tell the instance admin.',
          });
        else add({ id: 'network.tls', title: 'TLS', status: 'fail', detail: `${about}: ${t.error}`, fix: 'Tell the instance admin.' });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        add({
          id: 'network.tls',
          title: 'TLS',
          status: 'fail',
          detail: `no TLS handshake with ${registry.registry} (${code || (e as Error).message})`,
          fix: /WRONG_VERSION|EPROTO/.test(code) ? 'The port answers plain HTTP: the registry must use HTTPS off loopback.' : 'Check the host and port.',
        });
      }
    }
  }

  let gitlab: string | undefined;
  if (challenge) {
    const d = decideRealm(challenge.realm, input.gitlab, input.trustRealm);
    if ('verdict' in d) add({ id: 'registry.realm', title: 'Token realm', status: 'fail', detail: d.message, fix: d.fix });
    else {
      gitlab = d.gitlab;
      const plain = d.realm.protocol === 'http:';
      add(
        plain
          ? { id: 'registry.realm', title: 'Token realm', status: 'warn', detail: `${d.realm.origin} is plain HTTP (allowed on loopback only)` }
          : {
              id: 'registry.realm',
              title: 'Token realm',
              status: 'pass',
              detail: `${d.realm.origin} over HTTPS${input.gitlab ? `, on the instance ${input.gitlab.host}` : ''}`,
            },
      );
      const url = new URL(d.realm.href);
      if (challenge.service) url.searchParams.set('service', challenge.service);
      try {
        const r = await deps.http.get(url.href);
        let json = true;
        try {
          JSON.parse(r.body);
        } catch {
          json = false;
        }
        add(
          [200, 401, 403].includes(r.status) && json
            ? { id: 'registry.realm-answers', title: 'Token realm answers', status: 'pass', detail: `HTTP ${r.status} from ${d.realm.host}` }
            : {
                id: 'registry.realm-answers',
                title: 'Token realm answers',
                status: 'fail',
                detail: `${d.realm.host} answered HTTP ${r.status}${json ? '' : ' without JSON'}, not like GitLab's token endpoint`,
                fix: "The registry's auth.token.realm is wrong, or something in front of GitLab answers instead: tell the instance admin.",
              },
        );
      } catch (e) {
        add({
          id: 'registry.realm-answers',
          title: 'Token realm answers',
          status: 'fail',
          detail: `${d.realm.host} cannot be reached: ${(e as Error).message}`,
          fix: 'Check the network, VPN and HTTPS_PROXY.',
        });
      }
    }
    if (challenge.date) {
      const skew = Math.round((now() - Date.parse(challenge.date)) / 1000);
      add(
        Math.abs(skew) > 60
          ? {
              id: 'registry.clock',
              title: 'Clock',
              status: 'fail',
              detail: `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the registry's`,
              fix: 'Registry tokens live minutes: set the clock right (NTP: `timedatectl set-ntp true`).',
            }
          : { id: 'registry.clock', title: 'Clock', status: 'pass', detail: `within ${Math.abs(skew)} s of the registry's` },
      );
    } else add({ id: 'registry.clock', title: 'Clock', status: 'skip', detail: 'the registry sent no Date header' });
  } else {
    for (const id of ['registry.realm', 'registry.realm-answers', 'registry.clock'] as const)
      add({ id, title: TITLES[id] ?? id, status: 'skip', detail: 'no registry challenge' });
  }

  // The stored login, and the given token: are they accepted by GitLab? Asked through the one session, with the
  // challenge fetched above as the known realm.
  const verifyWith = async (username: Answer<string>, token: string, type: CredentialType) => {
    const request: LoginRequest = {
      registry: { value: registry!.registry, source: 'flag' },
      ...(input.gitlab ? { gitlab: { value: gitlabBase(input.gitlab), source: 'flag' } } : {}),
      credentialType: { value: type, source: username.source },
      username,
      access: { value: input.access, source: 'flag' },
      ...(input.project ? { project: { value: input.project, source: 'flag' } } : {}),
    };
    const known = { baseUrl: challenge!.baseUrl, realm: challenge!.realm, ...(challenge!.service ? { service: challenge!.service } : {}) };
    const outcome = await verifySession(
      { request, token, trustRealm: input.trustRealm },
      { http: deps.http, env, realmCache: { get: () => known, set: () => undefined } },
    );
    // The registry is given, so there is always a verification.
    if (outcome.kind !== 'verified') throw new Error('doctor: no registry to verify against');
    return outcome.verify;
  };
  if (stored && challenge && gitlab) {
    const v = await verifyWith({ value: stored.username, source: 'engine-config' }, stored.secret, guessType(stored.username));
    add(
      v.ok
        ? { id: 'docker.stored-accepted', title: 'Stored login accepted', status: 'pass', detail: scrub(v.message, stored.secret) }
        : {
            id: 'docker.stored-accepted',
            title: 'Stored login accepted',
            status: 'fail',
            detail: `the stored login for ${stored.username} no longer works: ${scrub(v.message, stored.secret)}`,
            fix: scrub(v.fix, stored.secret),
          },
    );
  } else
    add({
      id: 'docker.stored-accepted',
      title: 'Stored login accepted',
      status: 'skip',
      detail: stored ? 'the registry or its realm failed above' : 'no stored login',
    });

  if (input.token && challenge && gitlab) {
    const type = input.credentialType ?? 'personal-access-token';
    const v = await verifyWith({ value: input.username ?? 'gitlab', source: 'flag' }, input.token, type);
    add(
      v.ok
        ? { id: 'credential.verify', title: 'The given token', status: 'pass', detail: v.message }
        : { id: 'credential.verify', title: 'The given token', status: 'fail', detail: v.message, fix: v.fix },
    );
    if (type === 'personal-access-token') add(await tokenInfo(deps.http, gitlab, input.token, input.access, now()));
    else
      add({
        id: 'credential.token-info',
        title: 'Token scopes and expiry',
        status: 'skip',
        detail: `GitLab shows these only for personal access tokens (${CREDENTIALS[type].label.toLowerCase()} given)`,
      });
  } else {
    const why = input.token ? 'the registry or its realm failed above' : 'no token given (--token-stdin)';
    add({ id: 'credential.verify', title: 'The given token', status: 'skip', detail: why });
    add({ id: 'credential.token-info', title: 'Token scopes and expiry', status: 'skip', detail: why });
  }

  const rank = (id: string) => CHECK_ORDER.indexOf(id as (typeof CHECK_ORDER)[number]);
  return checks.sort((a, b) => rank(a.id) - rank(b.id));
}

/** A personal access token's scopes and expiry from GitLab's API (sent only to the instance, as the realm). */
async function tokenInfo(http: HttpClient, gitlab: string, token: string, access: Access, nowMs: number): Promise<Check> {
  const id = 'credential.token-info';
  const title = 'Token scopes and expiry';
  const base = gitlab.replace(/\/+$/, '');
  const u = new URL(`${base}/api/v4/personal_access_tokens/self`);
  if (u.protocol !== 'https:' && !isLoopbackHost(u.hostname)) return { id, title, status: 'skip', detail: 'the instance is not HTTPS' };
  try {
    const r = await http.get(u.href, { 'private-token': token });
    if (r.status === 404) return { id, title, status: 'skip', detail: 'this GitLab has no personal_access_tokens/self API' };
    if (r.status !== 200) return { id, title, status: 'skip', detail: `GitLab answered HTTP ${r.status}` };
    const j = JSON.parse(r.body) as { scopes?: unknown; expires_at?: unknown; active?: unknown; revoked?: unknown };
    const scopes = Array.isArray(j.scopes) ? j.scopes.filter((s): s is string => typeof s === 'string') : [];
    const expires = typeof j.expires_at === 'string' ? j.expires_at : undefined;
    const days = expires ? Math.floor((Date.parse(`${expires}T00:00:00Z`) - nowMs) / 86_400_000) : undefined;
    const detail = `scopes: ${scopes.join(', ') || 'none'}; ${expires ? `expires ${expires} (${days} days)` : 'never expires'}`;
    const need = requiredScopes(access);
    const has = (s: string) => scopes.includes(s) || scopes.includes('api') || (s === 'read_registry' && scopes.includes('read_api'));
    const lacking = need.filter((s) => !has(s));
    if (j.revoked === true || j.active === false)
      return {
        id,
        title,
        status: 'fail',
        detail: `${detail}; the token is ${j.revoked === true ? 'revoked' : 'inactive'}`,
        fix: 'Create a new personal access token.',
      };
    if (lacking.length) return { id, title, status: 'fail', detail, fix: `The token lacks ${lacking.join(' and ')}: create one with ${need.join(' and ')}.` };
    if (days !== undefined && days <= 7) return { id, title, status: 'warn', detail, fix: 'The token expires within a week: create its successor now.' };
    return { id, title, status: 'pass', detail };
  } catch (e) {
    return { id, title, status: 'skip', detail: `could not ask GitLab: ${(e as Error).message}` };
  }
}

/** A login found in the engine's store: only in memory, to ask GitLab whether it still works. */
interface StoredLogin {
  username: string;
  secret: string;
  source: string;
}

/**
 * The credential helper that applies to this registry (not every helper in the config: another registry's ECR
 * helper is not this login's business), and what it holds for the registry, each asked within 3 s.
 */
async function storeChecks(o: {
  isPodman: boolean;
  engineFile: string | undefined;
  config: EngineConfig | undefined;
  configFile: string;
  registry: string | undefined;
  env: NodeJS.ProcessEnv;
  runner: Runner;
  secret: string;
}): Promise<{ checks: Check[]; stored?: StoredLogin }> {
  const checks: Check[] = [];
  const helperId = 'docker.helpers';
  const title = 'Credential helper';
  const insecure = o.registry
    ? `, or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${o.registry}"] = "")`
    : '';
  if (o.isPodman) checks.push({ id: helperId, title, status: 'skip', detail: `podman keeps logins in its auth file (${o.configFile})` });
  else {
    // Without a registry, the helper every registry falls back to: credsStore.
    const where = whereDockerKeeps(o.config, o.configFile, o.registry ?? '', o.env);
    const forWhom = o.registry ? `for ${o.registry}` : 'by default';
    if (where.kind === 'file') {
      checks.push({
        id: helperId,
        title,
        status: 'pass',
        detail: where.optOut
          ? `credHelpers["${o.registry}"] is "": docker keeps this registry's login in ${where.file} (base64, not encrypted)`
          : `none ${forWhom}: logins are kept in ${where.file} (base64, not encrypted)`,
      });
    } else if (!where.binary) {
      checks.push({
        id: helperId,
        title,
        status: 'fail',
        detail: `${where.setBy} names docker-credential-${where.helper}, which is not on PATH`,
        fix: `Install docker-credential-${where.helper}${insecure}. Do not remove credsStore: your other logins are kept there.`,
      });
    } else {
      const glab = isGlab(where.helper) ? " (glab auth configure-docker: docker uses glab's own login, and `docker login` is refused)" : '';
      checks.push({ id: helperId, title, status: 'pass', detail: `docker-credential-${where.helper} ${forWhom} (${where.setBy}) at ${where.binary}${glab}` });
    }
  }
  if (!o.registry) {
    checks.push({ id: 'docker.stored', title: 'Stored login', status: 'skip', detail: 'no registry given (--registry or --gitlab)' });
    return { checks };
  }
  const a = await askStore(
    {
      engine: o.isPodman ? 'podman' : 'docker',
      ...(o.engineFile ? { engineFile: o.engineFile } : {}),
      registry: o.registry,
      env: o.env,
      op: 'get',
      secret: o.secret,
    },
    o.runner,
  );
  if (a.state === 'logged-in') {
    checks.push({ id: 'docker.stored', title: 'Stored login', status: 'pass', detail: `a login for ${o.registry} as ${a.username} (${a.source})` });
    return { checks, ...(a.secret ? { stored: { username: a.username, secret: a.secret, source: a.source } } : {}) };
  }
  if (a.state === 'not-logged-in') {
    const glab = a.where.kind === 'helper' && isGlab(a.where.helper);
    checks.push({
      id: 'docker.stored',
      title: 'Stored login',
      status: 'warn',
      detail: glab ? `glab has no login for ${o.registry}` : `not logged in to ${o.registry}`,
      fix: glab
        ? 'Log in with glab (`glab auth login`) for the instance of this registry.'
        : 'Log in: `gitlab-registry-login login` (or run it without a command for the wizard).',
    });
    return { checks };
  }
  const where = a.where;
  checks.push({
    id: 'docker.stored',
    title: 'Stored login',
    status: 'fail',
    detail: where && where.kind === 'helper' ? `${a.message} (${where.setBy} in ${where.file}): whether a login is stored is unknown` : a.message,
    fix: where && where.kind === 'helper' ? `${helperAdvice(where.helper)}${insecure}.` : `Check ${describeWhere(where)}.`,
  });
  return { checks };
}

function describeWhere(where: Parameters<typeof describeHelper>[0] | { kind: 'file' | 'podman'; file: string } | undefined): string {
  if (!where) return "docker's config file";
  return where.kind === 'helper' ? describeHelper(where) : where.file;
}
