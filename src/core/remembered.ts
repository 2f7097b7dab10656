// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { configDir, privateDir, writableByOthers } from './paths.js';
import { ACCESS_LEVELS, CREDENTIAL_TYPES, pick } from './choices.js';
import { ANSWER_KEYS, instanceHint, resolveRequest, type AnswerKey, type AnswerValues, type Layers, type LoginRequest } from './request.js';
import { instanceKey } from './hosts.js';
import { instanceOfRegistry, registryOfInstance, type RealmCache } from './realmcache.js';

/**
 * The non-secret answers remembered, one record per instance, or per registry when only a registry was given. Only
 * what the person answered is stored (core/request.ts `answersToRemember`); what an answer implies (the instance a
 * registry's realm names, the registry found for an instance, a type's username) is computed when read
 * (`impliedBy`). The token is never among them.
 */
export type Remembered = AnswerValues;

/** What a record is remembered under: its instance, else its registry (a URL and a host never collide). */
function recordKey(r: Remembered): string {
  return r.gitlab ?? r.registry ?? '';
}

export interface AnswerStore {
  /** The answers remembered under `key` (an instance, or a registry given alone), or the last used. */
  load(key?: string): Remembered | undefined;
  /** Every record, the last used first. */
  all(): Remembered[];
  save(r: Remembered): void | Promise<void>;
  forget(): void | Promise<void>;
  /** Where the file is, for the README and the done screen. */
  readonly path: string;
}

/** Run a write to the store: undefined when it worked, else the error's code as " (CODE)" (or ""). */
async function writeProblem(write: () => void | Promise<void>): Promise<string | undefined> {
  try {
    await write();
    return undefined;
  } catch (e) {
    if (e instanceof UnsafeDirError) return `: ${e.message}`;
    const code = (e as NodeJS.ErrnoException).code;
    return code ? ` (${code})` : '';
  }
}

/** The config directory or file can be written by other users: its answers are neither read nor written. */
class UnsafeDirError extends Error {}

/**
 * Remember the answers, best effort: a config directory that cannot be written (a read-only home, a full disk)
 * must not stop a login that worked. Returns what went wrong, for the done screen, or undefined.
 */
export async function remember(store: AnswerStore, r: Remembered): Promise<string | undefined> {
  const problem = await writeProblem(() => store.save(r));
  return problem === undefined ? undefined : `Your answers could not be remembered in ${store.path}${problem}; the next run asks again.`;
}

/** `--forget`: clear the remembered answers. Returns what went wrong, or undefined. */
export async function forgetAll(store: AnswerStore): Promise<string | undefined> {
  const problem = await writeProblem(() => store.forget());
  return problem === undefined ? undefined : `--forget: the remembered answers in ${store.path} cannot be cleared${problem}`;
}

/** Keep only documented keys with valid values: whatever is handed in, nothing else is written. */
export function sanitize(answers: object): Remembered | undefined {
  const r: Partial<Record<keyof Remembered, unknown>> = answers;
  const out: Remembered = {};
  if (typeof r.gitlab === 'string' && r.gitlab) out.gitlab = r.gitlab;
  if (typeof r.registry === 'string' && r.registry) out.registry = r.registry;
  // A record is remembered under its instance or registry: without either it could never be found.
  if (!out.gitlab && !out.registry) return undefined;
  const credentialType = pick(CREDENTIAL_TYPES, r.credentialType);
  if (credentialType) out.credentialType = credentialType;
  const access = pick(ACCESS_LEVELS, r.access);
  if (access) out.access = access;
  if (typeof r.username === 'string' && r.username) out.username = r.username;
  if (typeof r.project === 'string') out.project = r.project;
  return out;
}

interface Shape {
  last?: string;
  instances?: Record<string, Remembered>;
}

/**
 * The conf-backed store: `config.json` in the config directory (core/paths.ts), mode 0600, in a 0700
 * directory. Reading is a plain JSON read of the file conf keeps (the wizard's first frame waits for it); conf
 * itself loads only to write. A file that is not valid JSON reads as empty, is replaced on the next save, and
 * `--forget` removes it.
 */
export async function openConfStore(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AnswerStore> {
  const dir = options.cwd ?? configDir(options.env);
  const file = path.join(dir, 'config.json');
  let cached: Shape | undefined;
  // Answers in a directory others can write to may have been planted (a registry of theirs): not trusted.
  const unsafe = () => writableByOthers(dir) || writableByOthers(file);
  const read = (): Shape => {
    if (cached) return cached;
    if (unsafe()) return (cached = {});
    try {
      const j = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      cached = typeof j === 'object' && j !== null && !Array.isArray(j) ? j : {};
    } catch {
      cached = {};
    }
    return cached;
  };
  const conf = async () => {
    if (unsafe()) throw new UnsafeDirError(`it is writable by other users or belongs to another user (chmod go-w, or set XDG_CONFIG_HOME)`);
    const { default: Conf } = await import('conf');
    privateDir(dir);
    return new Conf<Shape>({ projectName: 'gitlab-registry-login', projectSuffix: '', configFileMode: 0o600, cwd: dir, clearInvalidConfig: true });
  };
  return {
    path: file,
    load(wanted) {
      const data = read();
      const key = wanted ?? data.last;
      if (!key) return undefined;
      const r = data.instances?.[key];
      return r ? sanitize(r) : undefined;
    },
    all() {
      const data = read();
      return newestFirst(Object.entries(data.instances ?? {}), data.last)
        .map((r) => sanitize(r))
        .filter((r): r is Remembered => r !== undefined);
    },
    async save(r) {
      const clean = sanitize(r);
      if (!clean) return;
      const c = await conf();
      const key = recordKey(clean);
      // Saved last in the file: the records are kept in the order they were last used (`newestFirst`).
      const { [key]: _previous, ...others } = c.get('instances') ?? {};
      c.set('instances', { ...others, [key]: clean });
      c.set('last', key);
      cached = undefined;
    },
    forget() {
      // Removing the file clears it whatever it holds (conf would first parse it, and a corrupt file made
      // --forget fail); a file that is not there is already forgotten.
      rmSync(file, { force: true });
      cached = undefined;
    },
  };
}

/** Records kept in the order they were last used (oldest first), newest first; the last used first in any case (older files). */
function newestFirst<T>(entries: Array<[string, T]>, last: string | undefined): T[] {
  return entries
    .reverse()
    .sort(([a], [b]) => Number(b === last) - Number(a === last))
    .map(([, r]) => r);
}

/** An in-memory store for tests and for runs that must not write. */
export function memoryStore(initial: Remembered[] = []): AnswerStore & { saved: Remembered[] } {
  const map = new Map(initial.map((r) => [recordKey(r), r]));
  let last = initial.map(recordKey).at(-1);
  const saved: Remembered[] = [];
  return {
    path: '(memory)',
    saved,
    load: (g) => map.get(g ?? last ?? ''),
    all: () => newestFirst([...map.entries()], last),
    save(r) {
      const clean = sanitize(r);
      if (!clean) return;
      map.delete(recordKey(clean));
      map.set(recordKey(clean), clean);
      last = recordKey(clean);
      saved.push(clean);
    },
    forget() {
      map.clear();
      last = undefined;
    },
  };
}

/** The instance a record is for: the one it names, else the one its registry's realm is on (computed when read). */
const instanceOfRecord = (r: Remembered, realms: RealmCache | undefined) => r.gitlab ?? (r.registry ? instanceOfRegistry(realms, r.registry) : undefined);

/**
 * What a record implies, computed when read: the instance its registry's realm is on and the registry found for its
 * instance (from the realm cache), and, for a record `login` kept without them, the pull and no project it logged in
 * with (core/request.ts `accessOf`).
 */
export function impliedBy(r: Remembered, realms: RealmCache | undefined): Pick<Remembered, 'gitlab' | 'registry' | 'access' | 'project'> {
  const gitlab = instanceOfRecord(r, realms);
  const registry = r.registry ?? (r.gitlab ? registryOfInstance(realms, r.gitlab) : undefined);
  return { ...(gitlab ? { gitlab } : {}), ...(registry ? { registry } : {}), access: r.access ?? 'pull', project: r.project ?? '' };
}

/**
 * The remembered answers for a registry (the last used first): the record that names it, else one given for the
 * instance alone whose registry, computed when read, is this one (its realm is on that instance).
 */
export function rememberedFor(store: AnswerStore, registry: string, realms?: RealmCache): Remembered | undefined {
  const all = store.all();
  const named = all.find((r) => r.registry === registry);
  if (named) return named;
  const instance = instanceOfRegistry(realms, registry);
  return instance === undefined ? undefined : all.find((r) => !r.registry && r.gitlab !== undefined && instanceKey(r.gitlab) === instance);
}

/** The remembered answers for an instance: the record that names it, else one given for a registry alone whose realm is on it. */
export function rememberedForInstance(store: AnswerStore, gitlab: string, realms?: RealmCache): Remembered | undefined {
  const all = store.all();
  const instance = instanceKey(gitlab);
  return (
    all.find((r) => r.gitlab === gitlab || (instance !== undefined && r.gitlab !== undefined && instanceKey(r.gitlab) === instance)) ??
    (instance === undefined ? undefined : all.find((r) => !r.gitlab && r.registry !== undefined && instanceOfRegistry(realms, r.registry) === instance))
  );
}

/**
 * The remembered answers that apply to a request: those for the registry it gives, else for the instance it names,
 * else the last used.
 */
export function rememberedAnswers(store: AnswerStore, given: { registry?: string | undefined; gitlab?: string | undefined }, realms?: RealmCache) {
  if (given.registry) return rememberedFor(store, given.registry, realms);
  if (given.gitlab) return rememberedForInstance(store, given.gitlab, realms);
  return store.load();
}

/** The instances answers are remembered for, the last used first (the wizard lists them under "Which GitLab?"). */
export function rememberedInstances(store: AnswerStore, realms?: RealmCache): string[] {
  const out = store.all().map((r) => instanceOfRecord(r, realms));
  return [...new Set(out.filter((g): g is string => g !== undefined))];
}

/**
 * A request's sources with the remembered answers that apply as their `remembered` layer (`rememberedAnswers`: those
 * for the registry the sources give, else for the instance they name, else the last used), resolved by the one
 * precedence rule; and what those answers imply where no source answered (`impliedBy`), to offer. `offer`: answers
 * left out of the layer to be offered instead (login's prompt offers the registry, as docker asks it). The wizard,
 * login's prompt and renew read remembered answers through this; the caller's layers are not changed.
 */
export function rememberedLayer(
  store: AnswerStore | undefined,
  layers: Layers,
  realms: RealmCache | undefined,
  options: { registry?: string | undefined; offer?: readonly AnswerKey[] } = {},
): { request: LoginRequest; implied: AnswerValues } {
  const registry = options.registry ?? resolveRequest(layers).registry?.value;
  const found = store ? rememberedAnswers(store, { registry, gitlab: instanceHint(layers) }, realms) : undefined;
  const remembered: AnswerValues | undefined = found ? { ...found } : undefined;
  for (const key of options.offer ?? []) if (remembered) delete remembered[key];
  const request = resolveRequest({ ...layers, remembered });
  const implied: AnswerValues = found ? impliedBy(found, realms) : {};
  for (const key of ANSWER_KEYS) if (request[key] || (key === 'registry' && registry)) delete implied[key];
  return { request, implied };
}
