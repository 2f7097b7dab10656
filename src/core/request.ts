// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The one request model: every answer a login needs, each with where it came from, and the one precedence rule
 * that decides between sources. Values derived from a choice (a type's username) are computed when read, never stored.
 */
import { defaultUsername, typeFromUsername, type Access, type CredentialType } from './credentials.js';

/**
 * Where an answer came from (`engine-config`: a login docker or podman already stores, which doctor checks;
 * `assumed`: the type taken when nothing said one, as docker takes a password: for GitLab a personal access token).
 */
export const SOURCES = ['flag', 'ci', 'team-file', 'remembered', 'git-remote', 'realm', 'typed', 'engine-config', 'assumed'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * The one precedence rule, highest first: flags, then the CI job's variables (with --ci), then the team file,
 * then remembered answers, then the git remote. Two sources are not ranks of their own: `realm` (the instance the
 * registry's realm names) is derived from a registry given for this run and ranks below the team file; `typed` is
 * what the person answers in the wizard, which asks only what no source answered, or offers what a weak one did.
 */
export const PRECEDENCE = ['flag', 'ci', 'team-file', 'remembered', 'git-remote'] as const satisfies readonly Source[];

/** What one source says (already validated and normalised: instance without a trailing slash, registry as docker names it). */
export interface AnswerValues {
  gitlab?: string;
  registry?: string;
  credentialType?: CredentialType;
  access?: Access;
  username?: string;
  /** '' means "no project": only the credential is checked. */
  project?: string;
}
export type AnswerKey = keyof AnswerValues;
export const ANSWER_KEYS: readonly AnswerKey[] = ['gitlab', 'registry', 'credentialType', 'access', 'username', 'project'];

/** One answer and its provenance. */
export interface Answer<T> {
  readonly value: T;
  readonly source: Source;
}

/** The resolved request: per key, the answer of the highest-ranked source that had one. */
export type LoginRequest = { readonly [K in AnswerKey]?: Answer<NonNullable<AnswerValues[K]>> };

/** Every source's answers, by source. */
export type Layers = Partial<Record<Source, AnswerValues | undefined>>;

const rank = (s: Source): number => {
  const i = (PRECEDENCE as readonly Source[]).indexOf(s);
  return i === -1 ? PRECEDENCE.length : i;
};

/** Does `a` win over `b`? */
export function outranks(a: Source, b: Source): boolean {
  return rank(a) < rank(b);
}

/**
 * Resolve the sources by the precedence rule, key by key. Coherence rules keep answers with what they belong to: the
 * realm's instance (derived from a registry given for this run) ranks after the team file; a git remote's project is
 * used only when the remote is on the resolved instance; remembered answers are the ones remembered for that instance
 * (see `instanceHint`); a username belongs to its type, so a source's username does not apply when a higher source
 * named another type (a personal access token's name remembered is no deploy token's).
 */
export function resolveRequest(layers: Layers): LoginRequest {
  const out: Partial<Record<AnswerKey, Answer<string>>> = {};
  const realm = layers.realm?.gitlab;
  for (const source of PRECEDENCE) {
    const values = layers[source];
    if (values) {
      for (const key of ANSWER_KEYS) {
        const v = key === 'credentialType' ? (values.credentialType ?? certainType(values, out)) : values[key];
        if (v === undefined || out[key] || !coherent(key, source, values, out)) continue;
        out[key] = { value: v, source };
      }
    }
    if (source === 'team-file' && realm !== undefined && !out.gitlab && out.registry) out.gitlab = { value: realm, source: 'realm' };
  }
  return out as LoginRequest;
}

/**
 * The type a source's username says for certain (`gitlab-ci-token`: a job token; `gitlab+deploy-token-N`: a deploy
 * token), at that source's rank, when it names no type and its username is the one that applies (no higher source
 * gave one): docker's `login -u gitlab+deploy-token-1` is a deploy token's even if another type was remembered. Any
 * other username is a password's, and says no type for certain (`withTypeFromUsername`).
 */
function certainType(values: AnswerValues, out: Partial<Record<AnswerKey, Answer<string>>>): CredentialType | undefined {
  if (values.username === undefined || out.username) return undefined;
  const type = typeFromUsername(values.username);
  return type === 'personal-access-token' ? undefined : type;
}

const originOf = (url: string): string | undefined => (URL.canParse(url) ? new URL(url).origin : undefined);

/** Whether `source`'s answer for `key` goes with the answers of higher sources already resolved (`out`). */
function coherent(key: AnswerKey, source: Source, values: AnswerValues, out: Partial<Record<AnswerKey, Answer<string>>>): boolean {
  // A git remote names a host, not an instance's path (core/gitremote.ts): on the instance's host it is the instance's.
  if (key === 'project' && source === 'git-remote')
    return out.gitlab !== undefined && values.gitlab !== undefined && originOf(out.gitlab.value) === originOf(values.gitlab);
  // The type is resolved before the username (ANSWER_KEYS' order): from another source, it is a higher one's. A
  // source that names no type means the one its username implies (docker's `login -u`, `withTypeFromUsername`).
  const type = out.credentialType;
  if (key === 'username' && type && type.source !== source && values.username !== undefined)
    return type.value === (values.credentialType ?? typeFromUsername(values.username));
  return true;
}

/** The instance whose remembered answers apply: the one the higher sources or the git remote name (undefined: the last used). */
export function instanceHint(layers: Layers): string | undefined {
  for (const source of ['flag', 'ci', 'team-file', 'realm', 'git-remote'] as const) {
    const g = layers[source]?.gitlab;
    if (g !== undefined) return g;
  }
  return undefined;
}

/**
 * The username, computed when read: a type with a fixed username (job tokens: gitlab-ci-token) gives it, unless a
 * username was given at the type's rank or above (`--type job-token --username x` is taken as said).
 */
export function usernameOf(r: LoginRequest): Answer<string> | undefined {
  const type = r.credentialType;
  const fixed = type ? defaultUsername(type.value) : undefined;
  if (fixed === undefined || !type) return r.username;
  if (r.username && !outranks(type.source, r.username.source)) return r.username;
  return { value: fixed, source: type.source };
}

/**
 * docker's `login -u USER` names no type: a username that says one for certain has given it already, at its rank
 * (`resolveRequest`); any other is a password's, which for GitLab is a personal access token: assumed, as docker
 * assumes it, so never remembered (`answersToRemember`). A type from any source wins over the assumption.
 */
export function withTypeFromUsername(r: LoginRequest): LoginRequest {
  if (r.credentialType || !r.username) return r;
  const type = typeFromUsername(r.username.value);
  return { ...r, credentialType: { value: type, source: type === 'personal-access-token' ? 'assumed' : r.username.source } };
}

/** `push`, `pull`, or pull when no source said. */
export function accessOf(r: LoginRequest): Access {
  return r.access?.value ?? 'pull';
}

/** The plain values of a request, with the derived username. */
export function valuesOf(r: LoginRequest): AnswerValues {
  const out: AnswerValues = {};
  for (const key of ANSWER_KEYS) {
    const a = r[key];
    if (a) (out as Record<string, string>)[key] = a.value;
  }
  const u = usernameOf(r);
  if (u) out.username = u.value;
  else delete out.username;
  return out;
}

/** The answers from the given sources only (e.g. the ones the wizard never asks); a derived username is not among them. */
export function fromSources(r: LoginRequest, sources: readonly Source[]): AnswerValues {
  const out: AnswerValues = {};
  for (const key of ANSWER_KEYS) {
    const a = r[key];
    if (a && sources.includes(a.source)) (out as Record<string, string>)[key] = a.value;
  }
  return out;
}

/**
 * The sources whose answers are remembered for next time: what the person said (a flag, an answer typed or
 * confirmed, one remembered before) and the team file of the checkout they ran in. Not: the CI job's variables (read
 * again in each job), the instance a realm named, the git remote's project unless confirmed (then it is typed), a login
 * an engine stores, what `login` assumed; nor anything a verification found (a discovered registry, the account
 * GitLab names).
 */
export const REMEMBERED_SOURCES = ['flag', 'typed', 'remembered', 'team-file'] as const satisfies readonly Source[];

/**
 * What to remember of a request: its answers from `REMEMBERED_SOURCES`, never a value derived from another (a type's
 * own username, gitlab-ci-token, is computed when read: `usernameOf`).
 */
export function answersToRemember(r: LoginRequest): AnswerValues {
  const out = fromSources(r, REMEMBERED_SOURCES);
  const type = r.credentialType?.value;
  if (out.username !== undefined && type && defaultUsername(type) !== undefined) delete out.username;
  return out;
}

/** A request from plain answers, each with its source (`typed` where none is named). */
export function requestFrom(values: AnswerValues, sources: Partial<Record<AnswerKey, Source>> = {}): LoginRequest {
  const out: Partial<Record<AnswerKey, Answer<string>>> = {};
  for (const key of ANSWER_KEYS) {
    const v = values[key];
    if (v !== undefined) out[key] = { value: v, source: sources[key] ?? 'typed' };
  }
  return out as LoginRequest;
}

/** The source of each answer of a request. */
export function sourcesOf(r: LoginRequest): Partial<Record<AnswerKey, Source>> {
  const out: Partial<Record<AnswerKey, Source>> = {};
  for (const key of ANSWER_KEYS) {
    const a = r[key];
    if (a) out[key] = a.source;
  }
  return out;
}
