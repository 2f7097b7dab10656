// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * `doctor`: every link from the engine to GitLab, each pass / warn / fail / skip with a fix. The checks are one
 * ordered list (`DOCTOR_CHECKS`, the order of the report); each names what it needs (a fact an earlier link
 * establishes, with the reason it is skipped without it), and each fact is found once, when first needed.
 */
import { isIP } from 'node:net';
import { CREDENTIALS, requiredScopes, typeForStored, type Access, type CredentialType } from './credentials.js';
import { resolveEngine, type EngineChoice, type EngineName } from './engine.js';
import { childEnv, type Runner } from './process.js';
import { readEngineConfig, type EngineConfig } from './authconfig.js';
import { askStore, helperAdvice, isGlab, whereDockerKeeps, type StoreAnswer } from './credstore.js';
import { parseRegistry, type RegistryAddress } from './hosts.js';
import { proxyFor, type HttpClient } from './http.js';
import type { NetProbes } from './netprobe.js';
import { decideRealm, fetchChallenge, type RealmDecision, type RegistryChallenge } from './registry.js';
import { instanceOf, registryOf, verifyOnChallenge } from './session.js';
import { expiryLine, fetchTokenInfo, holdsScope, type TokenInfo } from './tokeninfo.js';
import type { VerifyResult } from './verify.js';
import { accessOf, type Answer, type LoginRequest } from './request.js';
import { quote, sanitise } from './sanitise.js';
import type { Result, Verdict } from './verdict.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorInput {
  /**
   * The resolved request (core/request.ts), each answer with its source, as verify and login read it. Without a
   * registry, `runDoctor` looks for the one of its instance (session.ts `registryOf`), at the instance's rank.
   */
  request: LoginRequest;
  token?: string;
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

/** What a check found. A title only when it says more than the check's own (`docker found`). */
export type Finding = Omit<Check, 'id' | 'title'> & { title?: string };

/** A login found in the engine's store: only in memory, to ask GitLab whether it still works. */
interface StoredLogin {
  username: string;
  secret: string;
}

/** What the links establish, each found once. A check that needs one is skipped, with its reason, without it. */
export interface Facts {
  registry: RegistryAddress;
  engine: { engine: EngineName; file: string };
  /** The engine's config file, readable (or not there yet). */
  config: { file: string; config?: EngineConfig };
  stored: StoredLogin;
  /** The registry's name resolves (or a proxy resolves it for us). */
  resolves: true;
  /** A TCP connection to the registry is made (or a proxy makes it). */
  connects: true;
  challenge: RegistryChallenge;
  realm: RealmDecision;
  token: string;
}
type FactName = keyof Facts;

export interface DoctorCheck {
  id: string;
  title: string;
  /** Each fact the check needs, with the reason it is skipped without it; the first one missing decides. */
  needs: Partial<Record<FactName, string>>;
  run(ctx: DoctorContext, have: Partial<Facts>): Promise<Finding>;
}

/** A check whose `run` sees exactly the facts it names in `needs`, typed. */
function check<N extends FactName>(c: {
  id: string;
  title: string;
  needs: Record<N, string>;
  run(ctx: DoctorContext, have: Pick<Facts, N>): Finding | Promise<Finding>;
}): DoctorCheck {
  // runCheck hands `run` every fact in `needs`: the one place the names and the values meet.
  return { ...c, run: async (ctx, have) => c.run(ctx, have as Pick<Facts, N>) };
}

const SECTION: Record<string, string> = { engine: 'Engine', docker: 'Docker config', network: 'Network', registry: 'Registry', credential: 'Credential' };
export const sectionOf = (id: string) => SECTION[id.split('.')[0]!] ?? id;

const once = <T>(f: () => T): (() => T) => {
  let memo: { value: T } | undefined;
  return () => (memo ??= { value: f() }).value;
};

/** The input, the injected I/O and what the links answered, each asked once (a check and a fact share it). */
export function doctorContext(input: DoctorInput, deps: DoctorDeps) {
  const env = deps.env;
  const registry = input.request.registry ? parseRegistry(input.request.registry.value) : undefined;
  const gitlab = instanceOf(input.request);
  const engine = once(() => resolveEngine(input.engine, env));
  const isPodman = once(() => {
    const e = engine();
    return e.ok && e.value.engine === 'podman';
  });
  const configRead = once(() => readEngineConfig(isPodman() ? 'podman' : 'docker', env));
  const proxy = registry ? proxyFor(new URL(`https://${registry.registry}/`), env) : undefined;
  const probeMs = Math.min(input.timeoutMs, 10_000);
  const ctx = {
    input,
    registry,
    /** The instance the request names (not one the realm named: that is no trust anchor). */
    gitlab,
    access: accessOf(input.request),
    deps,
    env,
    now: deps.now ?? (() => Date.now()),
    /** Children get the environment without the token. */
    childEnv: () => childEnv(env, input.token ?? ''),
    proxy,
    engine,
    isPodman,
    configRead,
    storeAnswer: once(async (): Promise<StoreAnswer | undefined> => {
      const config = await ctx.fact('config');
      if (!config || !registry) return undefined;
      const e = engine();
      return askStore(
        {
          engine: isPodman() ? 'podman' : 'docker',
          ...(e.ok ? { engineFile: e.value.file } : {}),
          registry: registry.registry,
          env,
          op: 'get',
          secret: input.token ?? '',
        },
        deps.runner,
      );
    }),
    /** The registry's addresses; no lookup for an IP address or localhost. */
    lookup: once(async (): Promise<{ addrs?: string[]; error?: unknown } | undefined> => {
      if (!registry || isIP(registry.hostname) || registry.hostname === 'localhost') return undefined;
      return deps.probes.lookup(registry.hostname).then(
        (addrs) => ({ addrs }),
        (error: unknown) => ({ error }),
      );
    }),
    connect: once(async (): Promise<{ error?: unknown }> => {
      const r = registry!;
      return deps.probes.connect(r.hostname, r.port ?? 443, probeMs).then(
        () => ({}),
        (error: unknown) => ({ error }),
      );
    }),
    challenge: once(async (): Promise<Result<RegistryChallenge> | undefined> => (registry ? await fetchChallenge(deps.http, registry) : undefined)),
    realm: once(async (): Promise<Result<RealmDecision> | undefined> => {
      const c = await ctx.fact('challenge');
      return c ? decideRealm(c.realm, gitlab, input.trustRealm) : undefined;
    }),
    probeMs,
    /** The given token's verification, once credential.verify has asked it: credential.token-info reads its token record. */
    given: {} as { verify?: Promise<VerifyResult> },
    fact: async <N extends FactName>(name: N): Promise<Facts[N] | undefined> => FACTS[name](ctx),
  };
  return ctx;
}
export type DoctorContext = ReturnType<typeof doctorContext>;

/** What a step found; undefined when it failed (its check says why) or was not taken. */
const valueOf = async <T>(r: Result<T> | undefined | Promise<Result<T> | undefined>): Promise<T | undefined> => {
  const found = await r;
  return found?.ok ? found.value : undefined;
};

/** How each fact is found (from the answers the context keeps). */
const FACTS: { [N in FactName]: (ctx: DoctorContext) => Promise<Facts[N] | undefined> } = {
  registry: async (ctx) => ctx.registry,
  token: async (ctx) => ctx.input.token || undefined,
  engine: async (ctx) => valueOf(ctx.engine()),
  config: async (ctx) => {
    const read = ctx.configRead();
    return 'error' in read ? undefined : { file: read.file, ...('config' in read ? { config: read.config } : {}) };
  },
  stored: async (ctx) => {
    const a = await ctx.storeAnswer();
    return a?.state === 'logged-in' && a.secret ? { username: a.username, secret: a.secret } : undefined;
  },
  resolves: async (ctx) => {
    if (!ctx.registry) return undefined;
    const l = await ctx.lookup();
    return !l || l.addrs || ctx.proxy ? true : undefined;
  },
  connects: async (ctx) => {
    if (!(await ctx.fact('resolves'))) return undefined;
    return !(await ctx.connect()).error || ctx.proxy ? true : undefined;
  },
  challenge: async (ctx) => valueOf(ctx.challenge()),
  realm: async (ctx) => valueOf(ctx.realm()),
};

/** Runs one check: skipped with its reason when a fact it needs is missing; what it quotes is sanitised here. */
export async function runCheck(c: DoctorCheck, ctx: DoctorContext): Promise<Check> {
  const have: Partial<Record<FactName, unknown>> = {};
  for (const [name, why] of Object.entries(c.needs) as Array<[FactName, string]>) {
    const value = await ctx.fact(name);
    if (value === undefined) return { id: c.id, title: c.title, status: 'skip', detail: why };
    have[name] = value;
  }
  // What a check quotes from a server (a certificate's subject, a realm, an error body) or a file (a stored
  // username) is sanitised here, the one point where a check is built.
  const { title, fix, ...found } = await c.run(ctx, have as Partial<Facts>);
  return { id: c.id, title: title ?? c.title, ...found, detail: sanitise(found.detail), ...(fix !== undefined ? { fix: sanitise(fix) } : {}) };
}

export async function runDoctor(input: DoctorInput, deps: DoctorDeps): Promise<Check[]> {
  // The registry given, else the one found for the instance: derived from the instance's answer, at its rank.
  const { gitlab, registry } = input.request;
  const found = !registry && gitlab ? (await registryOf(deps.http, input.request)).registry : undefined;
  const request = found && gitlab ? { ...input.request, registry: { value: found.registry, source: gitlab.source } } : input.request;
  const ctx = doctorContext({ ...input, request }, deps);
  const checks: Check[] = [];
  for (const c of DOCTOR_CHECKS) checks.push(await runCheck(c, ctx));
  return checks;
}

/** A check failed with the verdict the core gave: its message, and its fix. */
const failed = (v: Verdict): Finding => ({ status: 'fail', detail: v.message, fix: v.fix });

const NO_REGISTRY = 'no registry given (--registry or --gitlab)';
const NO_CHALLENGE = 'no registry challenge';
const REALM_FAILED = 'the registry or its realm failed above';
const NO_CONFIG = 'the config file could not be read';
const UNKNOWN_CA = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT/;
const errCode = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Is this login accepted? The request asked through the one session, with the challenge already fetched as the known realm. */
const verifyWith = (ctx: DoctorContext, challenge: RegistryChallenge, request: LoginRequest, token: string) =>
  verifyOnChallenge({ request, token, trustRealm: ctx.input.trustRealm }, challenge, { http: ctx.deps.http, env: ctx.env, now: ctx.now });

/** The engine runs `args` (no token in its environment), within 5 s. */
const engineRun = (ctx: DoctorContext, file: string, args: string[]) => ctx.deps.runner(file, args, { input: '', env: ctx.childEnv(), timeoutMs: 5000 });

const engineFound = check({
  id: 'engine.found',
  title: 'docker or podman',
  needs: {},
  run: async (ctx) => {
    const found = ctx.engine();
    if (!found.ok) return failed(found.verdict);
    const engine = found.value;
    const v = await engineRun(ctx, engine.file, ['--version']);
    const version = v.stdout.split('\n')[0]?.trim() || `${engine.engine} (version unknown)`;
    const title = `${engine.engine} found`;
    if (v.exitCode === 0) return { title, status: 'pass', detail: `${version} at ${engine.file}` };
    return { title, status: 'warn', detail: `${version} at ${engine.file}`, fix: `\`${engine.engine} --version\` failed: reinstall it.` };
  },
});

const engineDaemon = check({
  id: 'engine.daemon',
  title: 'Engine daemon',
  needs: { engine: 'no engine' },
  run: async (ctx, { engine }) => {
    if (engine.engine === 'podman') return { status: 'pass', detail: 'podman needs no daemon' };
    const title = 'Docker daemon';
    const info = await engineRun(ctx, engine.file, ['info', '--format', '{{.ServerVersion}}']);
    if (info.exitCode === 0 && info.stdout.trim()) return { title, status: 'pass', detail: `running (${info.stdout.trim()})` };
    return {
      title,
      status: 'warn',
      detail: 'not running or not reachable: `docker login` works without it, `docker pull`/`push` do not',
      fix: 'Start Docker (Docker Desktop, or `sudo systemctl start docker`), and check that you may use its socket (the docker group).',
    };
  },
});

const dockerConfig = check({
  id: 'docker.config',
  title: 'Config file',
  needs: {},
  run: (ctx) => {
    const read = ctx.configRead();
    const file = read.file;
    if ('error' in read) {
      const fix = read.code
        ? `Check the owner and permissions of ${file}.`
        : `Repair ${file} or move it aside; ${ctx.isPodman() ? 'podman' : 'docker'} writes a new one at the next login.`;
      return { status: 'fail', detail: `${file} ${read.error}`, fix };
    }
    if ('missing' in read) return { status: 'pass', detail: `${file} does not exist yet (written at the first login)` };
    return { status: 'pass', detail: `${file} is valid` };
  },
});

/** The way out when the helper fails: this registry's login kept in the file (credHelpers[registry] = ""). */
const insecureAdvice = (registry: string | undefined) =>
  registry ? `, or keep just this registry's login in the file: \`gitlab-registry-login login --insecure-storage\` (credHelpers["${registry}"] = "")` : '';

/**
 * The credential helper that applies to this registry (not every helper in the config: another registry's ECR
 * helper is not this login's business); without a registry, the one every registry falls back to (credsStore).
 */
const dockerHelpers = check({
  id: 'docker.helpers',
  title: 'Credential helper',
  needs: { config: NO_CONFIG },
  run: (ctx, { config }) => {
    if (ctx.isPodman()) return { status: 'skip', detail: `podman keeps logins in its auth file (${config.file})` };
    const registry = ctx.registry?.registry;
    const where = whereDockerKeeps(config.config, config.file, registry ?? '', ctx.env);
    const forWhom = registry ? `for ${registry}` : 'by default';
    if (where.kind === 'file') {
      const detail = where.optOut
        ? `credHelpers["${registry}"] is "": docker keeps this registry's login in ${where.file} (base64, not encrypted)`
        : `none ${forWhom}: logins are kept in ${where.file} (base64, not encrypted)`;
      return { status: 'pass', detail };
    }
    if (!where.binary)
      return {
        status: 'fail',
        detail: `${where.setBy} names docker-credential-${where.helper}, which is not on PATH`,
        fix: `Install docker-credential-${where.helper}${insecureAdvice(registry)}. Do not remove credsStore: your other logins are kept there.`,
      };
    const glab = isGlab(where.helper) ? " (glab auth configure-docker: docker uses glab's own login, and `docker login` is refused)" : '';
    return { status: 'pass', detail: `docker-credential-${where.helper} ${forWhom} (${where.setBy}) at ${where.binary}${glab}` };
  },
});

/** What the engine's store holds for the registry (the helper asked within 3 s). */
const dockerStored = check({
  id: 'docker.stored',
  title: 'Stored login',
  needs: { config: NO_CONFIG, registry: NO_REGISTRY },
  run: async (ctx, { registry: { registry } }) => {
    const a = (await ctx.storeAnswer())!;
    if (a.state === 'logged-in') return { status: 'pass', detail: `a login for ${registry} as ${a.username} (${a.source})` };
    if (a.state === 'not-logged-in') {
      const glab = a.where.kind === 'helper' && isGlab(a.where.helper);
      return {
        status: 'warn',
        detail: glab ? `glab has no login for ${registry}` : `not logged in to ${registry}`,
        fix: glab
          ? 'Log in with glab (`glab auth login`) for the instance of this registry.'
          : 'Log in: `gitlab-registry-login login` (or run it without a command for the wizard).',
      };
    }
    const where = a.where;
    if (where?.kind === 'helper')
      return {
        status: 'fail',
        detail: `${a.message} (${where.setBy} in ${where.file}): whether a login is stored is unknown`,
        fix: `${helperAdvice(where.helper)}${insecureAdvice(registry)}.`,
      };
    return { status: 'fail', detail: a.message, fix: `Check ${where ? where.file : "docker's config file"}.` };
  },
});

const dockerStoredAccepted = check({
  id: 'docker.stored-accepted',
  title: 'Stored login accepted',
  needs: { stored: 'no stored login', registry: REALM_FAILED, challenge: REALM_FAILED, realm: REALM_FAILED },
  run: async (ctx, have) => {
    const { username, secret } = have.stored;
    // The stored login's username, and the type it implies, in place of the request's: each from the engine's config.
    const request: LoginRequest = {
      ...ctx.input.request,
      // A project or group access token's bot name says no type: the request's is kept, as status keeps the remembered one.
      credentialType: { value: typeForStored(username, ctx.input.request.credentialType?.value), source: 'engine-config' },
      username: { value: username, source: 'engine-config' },
    };
    const v = await verifyWith(ctx, have.challenge, request, secret);
    if (v.ok) return { status: 'pass', detail: v.message };
    return { status: 'fail', detail: `the stored login for ${username} no longer works: ${v.message}`, fix: v.fix };
  },
});

const networkProxy = check({
  id: 'network.proxy',
  title: 'Proxy',
  needs: { registry: NO_REGISTRY },
  run: (ctx, { registry: { registry } }) => ({
    status: 'pass',
    detail: ctx.proxy
      ? `${ctx.proxy.protocol}//${ctx.proxy.host} is used for ${registry} (HTTPS_PROXY; docker uses it too, the daemon has its own)`
      : `no proxy for ${registry}`,
  }),
});

const networkDns = check({
  id: 'network.dns',
  title: 'DNS',
  needs: { registry: NO_REGISTRY },
  run: async (ctx, { registry: { hostname } }) => {
    const l = await ctx.lookup();
    if (!l) return { status: 'skip', detail: `${hostname} needs no lookup` };
    if (l.addrs) return { status: 'pass', detail: `${hostname} → ${l.addrs.slice(0, 3).join(', ')}` };
    const proxy = ctx.proxy !== undefined;
    return {
      status: proxy ? 'warn' : 'fail',
      detail: `${hostname} does not resolve (${errCode(l.error) ?? 'error'})${proxy ? '; the proxy may resolve it' : ''}`,
      fix: 'Check the spelling; for an internal instance connect the VPN; check /etc/resolv.conf.',
    };
  },
});

const networkTcp = check({
  id: 'network.tcp',
  title: 'TCP connect',
  needs: { registry: NO_REGISTRY, resolves: 'the name does not resolve' },
  run: async (ctx, { registry: { hostname, port = 443 } }) => {
    const { error } = await ctx.connect();
    if (error === undefined) return { status: 'pass', detail: `${hostname} port ${port} accepts connections` };
    return {
      status: ctx.proxy ? 'warn' : 'fail',
      detail: `cannot connect to ${hostname} port ${port} (${errCode(error) ?? (error as Error).message})`,
      fix: 'Check the port (self-managed registries are often on 5050 or a registry.HOST name), firewalls and the VPN.',
    };
  },
});

/** What the TLS handshake showed, judged: trusted, expiring soon, or why not. */
function judgeTls(t: Awaited<ReturnType<NetProbes['tls']>>, registry: RegistryAddress, nowMs: number): Finding {
  const days = t.validTo ? Math.floor((t.validTo.getTime() - nowMs) / 86_400_000) : undefined;
  const about = `${t.subject ? `certificate for ${quote(t.subject, 100)}` : 'certificate'}${t.issuer ? ` issued by ${quote(t.issuer, 100)}` : ''}${days !== undefined ? `, valid ${days} more days` : ''}`;
  if (t.authorized) {
    if (days !== undefined && days < 14) return { status: 'warn', detail: about, fix: 'The certificate expires soon: tell the instance admin.' };
    return { status: 'pass', detail: about };
  }
  if (UNKNOWN_CA.test(t.error ?? ''))
    return {
      status: 'fail',
      detail: `${about}: not signed by a CA this machine trusts (${t.error})`,
      fix: `Get your organisation's CA certificate; for this tool set NODE_EXTRA_CA_CERTS=ca.pem or pass --ca-file ca.pem; for docker put it in /etc/docker/certs.d/${registry.registry}/ca.crt.`,
    };
  if (t.error === 'CERT_HAS_EXPIRED') return { status: 'fail', detail: `${about}: expired`, fix: 'The certificate has expired: tell the instance admin.' };
  if (t.error === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      status: 'fail',
      detail: `${about}: not valid for ${registry.hostname}`,
      fix: 'Use the host name the certificate is for, or tell the instance admin.',
    };
  return { status: 'fail', detail: `${about}: ${t.error}`, fix: 'Tell the instance admin.' };
}

/** The registry's certificate; the challenge decides whether TLS applies (plain HTTP on loopback). */
const networkTls = check({
  id: 'network.tls',
  title: 'TLS',
  needs: { registry: NO_REGISTRY },
  run: async (ctx, { registry }) => {
    const challenge = await ctx.fact('challenge');
    if (challenge?.baseUrl.startsWith('http:')) return { status: 'skip', detail: 'the loopback registry answers plain HTTP' };
    if (!(await ctx.fact('connects'))) return { status: 'skip', detail: 'no connection' };
    try {
      const t = await ctx.deps.probes.tls(registry.hostname, registry.port ?? 443, ctx.probeMs, ctx.input.caFile);
      return judgeTls(t, registry, ctx.now());
    } catch (e) {
      const code = errCode(e) ?? '';
      return {
        status: 'fail',
        detail: `no TLS handshake with ${registry.registry} (${code || (e as Error).message})`,
        fix: /WRONG_VERSION|EPROTO/.test(code) ? 'The port answers plain HTTP: the registry must use HTTPS off loopback.' : 'Check the host and port.',
      };
    }
  },
});

const registryChallenge = check({
  id: 'registry.challenge',
  title: '/v2/ challenge',
  needs: { registry: 'no registry given' },
  run: async (ctx) => {
    const found = (await ctx.challenge())!;
    if (!found.ok) return failed(found.verdict);
    const c = found.value;
    return { status: 'pass', detail: `Bearer realm="${quote(c.realm)}"${c.service ? `, service="${quote(c.service)}"` : ''}` };
  },
});

const registryRealm = check({
  id: 'registry.realm',
  title: 'Token realm',
  needs: { challenge: NO_CHALLENGE },
  run: async (ctx) => {
    const decided = (await ctx.realm())!;
    if (!decided.ok) return failed(decided.verdict);
    const d = decided.value;
    if (d.realm.protocol === 'http:') return { status: 'warn', detail: `${d.realm.origin} is plain HTTP (allowed on loopback only)` };
    const gitlab = ctx.gitlab;
    return { status: 'pass', detail: `${d.realm.origin} over HTTPS${gitlab ? `, on the instance ${gitlab.host}` : ''}` };
  },
});

/** The realm answers as GitLab's token endpoint does (JSON, 200/401/403) to a request without credentials. */
const registryRealmAnswers = check({
  id: 'registry.realm-answers',
  title: 'Token realm answers',
  needs: { challenge: NO_CHALLENGE, realm: 'the token realm failed above' },
  run: async (ctx, { challenge, realm: { realm } }) => {
    const url = new URL(realm.href);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    try {
      const r = await ctx.deps.http.get(url.href);
      const json = isJson(r.body);
      if ([200, 401, 403].includes(r.status) && json) return { status: 'pass', detail: `HTTP ${r.status} from ${realm.host}` };
      return {
        status: 'fail',
        detail: `${realm.host} answered HTTP ${r.status}${json ? '' : ' without JSON'}, not like GitLab's token endpoint`,
        fix: "The registry's auth.token.realm is wrong, or something in front of GitLab answers instead: tell the instance admin.",
      };
    } catch (e) {
      return { status: 'fail', detail: `${realm.host} cannot be reached: ${(e as Error).message}`, fix: 'Check the network, VPN and HTTPS_PROXY.' };
    }
  },
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const registryClock = check({
  id: 'registry.clock',
  title: 'Clock',
  needs: { challenge: NO_CHALLENGE },
  run: (ctx, { challenge }) => {
    if (!challenge.date) return { status: 'skip', detail: 'the registry sent no Date header' };
    const skew = Math.round((ctx.now() - Date.parse(challenge.date)) / 1000);
    if (Math.abs(skew) <= 60) return { status: 'pass', detail: `within ${Math.abs(skew)} s of the registry's` };
    return {
      status: 'fail',
      detail: `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the registry's`,
      fix: 'Registry tokens live minutes: set the clock right (NTP: `timedatectl set-ntp true`).',
    };
  },
});

const NEEDS_TOKEN = { token: 'no token given (--token-stdin)', registry: REALM_FAILED, challenge: REALM_FAILED, realm: REALM_FAILED };
/**
 * The given token's type: the request's; none given (`doctor --registry R --token-stdin`): an access token, as docker
 * takes a password (core/request.ts `withTypeFromUsername`): assumed.
 */
const typeGiven = (ctx: DoctorContext): Answer<CredentialType> => ctx.input.request.credentialType ?? { value: 'personal-access-token', source: 'assumed' };

const credentialVerify = check({
  id: 'credential.verify',
  title: 'The given token',
  needs: NEEDS_TOKEN,
  run: async (ctx, have) => {
    const request: LoginRequest = { ...ctx.input.request, credentialType: typeGiven(ctx) };
    const v = await (ctx.given.verify ??= verifyWith(ctx, have.challenge, request, have.token));
    return v.ok ? { status: 'pass', detail: v.message } : { status: 'fail', detail: v.message, fix: v.fix };
  },
});

const credentialTokenInfo = check({
  id: 'credential.token-info',
  title: 'Token scopes and expiry',
  needs: NEEDS_TOKEN,
  run: async (ctx, { token, realm }) => {
    const type = typeGiven(ctx).value;
    if (type !== 'personal-access-token')
      return { status: 'skip', detail: `GitLab shows these only for personal access tokens (${CREDENTIALS[type].label.toLowerCase()} given)` };
    // The record the verification already asked for (core/verify.ts asks it beside the token endpoint), else asked here.
    const info = (await ctx.given.verify)?.token ?? (await fetchTokenInfo(ctx.deps.http, realm.gitlab, token, ctx.now()));
    return judgeTokenInfo(info, ctx.access);
  },
});

/** Every check, in the order of the report. */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  engineFound,
  engineDaemon,
  dockerConfig,
  dockerHelpers,
  dockerStored,
  dockerStoredAccepted,
  networkProxy,
  networkDns,
  networkTcp,
  networkTls,
  registryChallenge,
  registryRealm,
  registryRealmAnswers,
  registryClock,
  credentialVerify,
  credentialTokenInfo,
];

/** A personal access token's record (core/tokeninfo.ts) judged: the scopes the access needs, and its expiry. */
function judgeTokenInfo(info: TokenInfo, access: Access): Finding {
  if (info.state === 'unavailable') return { status: 'skip', detail: info.reason };
  if (info.state === 'invalid') return { status: 'skip', detail: `GitLab refused the token (${info.gitlabSays})` };
  if (info.state !== 'active') return { status: 'fail', detail: `the token ${expiryLine(info)}`, fix: 'Create a new personal access token.' };
  const detail = `scopes: ${info.scopes.join(', ') || 'none'}; ${expiryLine(info)}`;
  const need = requiredScopes(access);
  const lacking = need.filter((s) => !holdsScope(info.scopes, s));
  if (lacking.length) return { status: 'fail', detail, fix: `The token lacks ${lacking.join(' and ')}: create one with ${need.join(' and ')}.` };
  if (info.daysLeft !== null && info.daysLeft <= 7) return { status: 'warn', detail, fix: 'The token expires within a week: create its successor now.' };
  return { status: 'pass', detail };
}
