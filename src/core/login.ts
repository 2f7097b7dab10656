// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * The login that follows a passed verification: the engine, the store check (a docker credential helper that is
 * missing, failing or hanging stops us before docker runs), `--insecure-storage`, the engine login, and where
 * the login was stored. Docker's config is left byte for byte as it was whenever this fails.
 */
import { resolveEngine, engineLogin, type EngineChoice, type EngineName, type EngineLoginResult, type Storage } from './engine.js';
import {
  askHelper,
  describeAnswer,
  describeHelper,
  HELPER_LIMIT_MS,
  helperAdvice,
  INTERACTIVE_HELPER_LIMIT_MS,
  isGlab,
  locateDockerStore,
  optOutOfHelper,
  storageFor,
  undoEdit,
  type ConfigEdit,
  type DockerStore,
  type StoreWhere,
} from './credstore.js';
import { spawnRunner, type Runner } from './process.js';
import { success, verdict, type Verdict } from './verdict.js';

/** What went wrong with the store, for the wizard's choices and `--json`. */
export interface StoreFailureInfo {
  /** missing | failed | timeout: the helper; refuses: glab's helper; config: docker's config file. */
  state: 'missing' | 'failed' | 'timeout' | 'refuses' | 'config';
  /** docker's config file. */
  file: string;
  /** The helper's name (docker-credential-NAME), unless the config itself is the problem. */
  helper?: string;
  /** Which setting names the helper: credsStore, or credHelpers["REG"]. */
  setBy?: string;
  /** The helper's own words (sanitised), when it said something. */
  said?: string;
  /** How to fix the helper itself. */
  advice: string;
}

/** A login stopped by the credential store: `verdict` is `store-failed`; `--insecure-storage` is the way past it. */
export interface StoreFailure extends Verdict {
  verdict: 'store-failed';
  loggedIn: false;
  store: StoreFailureInfo;
}

export const isStoreFailure = (r: unknown): r is StoreFailure => typeof r === 'object' && r !== null && (r as { verdict?: unknown }).verdict === 'store-failed';

export interface LoginRequest {
  choice: EngineChoice;
  username: string;
  token: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Keep this registry's login in docker's config file (credHelpers[REG] = ""), not in the credential helper. */
  insecureStorage?: boolean;
  /** A person is there (the wizard, a terminal): a helper may wait for a keyring unlock, up to 2 minutes. */
  interactive?: boolean;
  /** Called once when a helper keeps us waiting (after 3 s), with the line to show. */
  onWait?: (line: string) => void;
  /** What the caller already found (renew, before rotating): not looked for again, so a retry repeats neither. */
  prepared?: PreparedLogin;
}

/** The engine found (`resolveEngine`), and for docker the store `checkStoreBeforeLogin` found answering for the registry. */
export interface PreparedLogin {
  engine: { engine: EngineName; file: string };
  store?: DockerStore;
}

function storeFailure(registry: string, info: StoreFailureInfo, what: string): StoreFailure {
  const file = info.file;
  const choices = [
    `keep this login in the file instead: add --insecure-storage (sets credHelpers["${registry}"] = "" in ${file} for this registry only; the token is then stored base64, not encrypted; credsStore and your other logins stay as they are)`,
    info.state === 'config' ? `repair ${file} (docker would replace a file it cannot read)` : `fix the helper: ${info.advice}`,
    'or use a throwaway docker config for this shell: export DOCKER_CONFIG="$(mktemp -d)", then log in again',
  ];
  return {
    ...verdict(
      'store-failed',
      `${what} docker login did not run; ${file} is unchanged.`,
      `Choose one: (1) ${choices[0]}; (2) ${choices[1]}; (3) ${choices[2]}.`,
    ),
    verdict: 'store-failed',
    loggedIn: false,
    store: info,
  };
}

/** Check docker's store for `registry` before the engine runs (a helper's `list`, bounded), or undefined when it answers. */
export async function checkStoreBeforeLogin(
  registry: string,
  req: Pick<LoginRequest, 'env' | 'interactive' | 'onWait'> & { token?: string },
  run: Runner = spawnRunner,
): Promise<DockerStore | StoreFailure> {
  const located = locateDockerStore(registry, req.env);
  if ('problem' in located) {
    const { file, detail } = located.problem;
    return storeFailure(
      registry,
      { state: 'config', file, advice: `repair ${file}` },
      `docker's config ${file} ${detail}: docker would set it aside and start an empty one, losing credsStore and your other logins.`,
    );
  }
  const { where } = located;
  if (where.kind === 'file') return located;
  const base = { file: where.file, helper: where.helper, setBy: where.setBy, advice: helperAdvice(where.helper) };
  if (!where.binary)
    return storeFailure(registry, { ...base, state: 'missing' }, `docker keeps logins for ${registry} with ${describeHelper(where)}, which is not on PATH.`);
  if (isGlab(where.helper)) {
    // glab's helper answers `get` with glab's own login and refuses `store` (gitlab-org/cli internal/commands/auth/docker/helper.go).
    return storeFailure(
      registry,
      { ...base, state: 'refuses', said: 'glab auth docker-helper does not support manual registry logins' },
      `docker asks glab for ${registry} (${where.setBy} in ${where.file} is "glab"), and glab's helper refuses \`docker login\`: it hands docker glab's own login instead.`,
    );
  }
  const limit = req.interactive ? INTERACTIVE_HELPER_LIMIT_MS : HELPER_LIMIT_MS;
  const waiting = req.interactive && req.onWait ? setTimeout(() => req.onWait!(waitLine(where.helper)), HELPER_LIMIT_MS) : undefined;
  const a = await askHelper(where, 'list', registry, req.env, run, limit, req.token ?? '').finally(() => clearTimeout(waiting));
  if (a.state === 'ok' || a.state === 'not-found') return located;
  return storeFailure(
    registry,
    { ...base, state: a.state, ...(a.state === 'failed' ? { said: a.message } : {}) },
    `docker keeps logins for ${registry} with ${where.setBy === 'credsStore' ? 'its credsStore' : 'its credential helper'}, and ${describeAnswer(where, a, 'list')} (${where.setBy} in ${where.file}).`,
  );
}

export const waitLine = (helper: string) => `waiting for docker-credential-${helper} (it may be asking you to unlock your keyring)`;

/**
 * The login that follows a passed verification, for `login` and the wizard alike: find the engine, check the
 * store, then log in to the registry exactly as verified (plain HTTP only for a plain-HTTP loopback registry).
 */
export async function loginAfterVerify(
  verified: { registry: string; registryUrl?: string | undefined },
  req: LoginRequest,
  run: Runner = spawnRunner,
): Promise<{ engine: EngineName | null; result: EngineLoginResult | StoreFailure | Verdict }> {
  const found = req.prepared ? success(req.prepared.engine) : resolveEngine(req.choice, req.env);
  if (!found.ok) return { engine: null, result: found.verdict };
  const engine = found.value;
  const registry = verified.registry;
  let edit: ConfigEdit | undefined;
  let helper: Extract<StoreWhere, { kind: 'helper' }> | undefined;
  /** docker's store as found before the login: where the login goes, unless docker picks its own (storageFor). */
  let before: DockerStore | undefined;
  if (engine.engine === 'docker') {
    if (req.insecureStorage) {
      const located = locateDockerStore(registry, req.env);
      if ('problem' in located) {
        const { file, detail } = located.problem;
        return { engine: 'docker', result: storeFailure(registry, { state: 'config', file, advice: `repair ${file}` }, `docker's config ${file} ${detail}.`) };
      }
      before = located;
      if (located.where.kind === 'helper') {
        const e = optOutOfHelper(located.where.file, registry);
        if (!('before' in e))
          return {
            engine: 'docker',
            result: storeFailure(
              registry,
              { state: 'config', file: e.file, advice: `check ${e.file}` },
              `--insecure-storage could not change ${e.file}: it ${e.detail}.`,
            ),
          };
        edit = e;
      }
    } else {
      const checked = req.prepared?.store ?? (await checkStoreBeforeLogin(registry, req, run));
      if (isStoreFailure(checked)) return { engine: 'docker', result: checked };
      before = checked;
      if (checked.where.kind === 'helper') helper = checked.where;
    }
  }
  // A person may have to answer the keyring while docker stores the login: allow them the time.
  const timeoutMs = helper && req.interactive ? Math.max(req.timeoutMs, INTERACTIVE_HELPER_LIMIT_MS) : req.timeoutMs;
  const waiting = helper && req.interactive && req.onWait ? setTimeout(() => req.onWait!(waitLine(helper.helper)), HELPER_LIMIT_MS) : undefined;
  let result: EngineLoginResult;
  try {
    result = await engineLogin(
      {
        engine: engine.engine,
        file: engine.file,
        registry,
        username: req.username,
        token: req.token,
        // fetchChallenge falls back to plain HTTP for loopback registries only.
        plainHttpLoopback: verified.registryUrl?.startsWith('http:') === true,
        timeoutMs,
        env: req.env,
      },
      run,
    );
  } catch (e) {
    if (edit) undoEdit(edit);
    throw e;
  } finally {
    clearTimeout(waiting);
  }
  if (!result.loggedIn) {
    if (edit) undoEdit(edit);
    return { engine: engine.engine, result: helper ? storeFailureAfterEngine(registry, helper, result, timeoutMs) : result };
  }
  // --insecure-storage: this registry's login is in the file now (credHelpers[REG] = ""), its backup beside it.
  const storage: Storage = edit ? { kind: 'file', file: edit.file, insecure: { backup: edit.backup } } : storageFor(engine.engine, registry, req.env, before);
  return { engine: engine.engine, result: { ...result, storage } };
}

/** docker ran and the helper failed or hung while storing: say so, naming the helper and the file. */
function storeFailureAfterEngine(
  registry: string,
  helper: Extract<StoreWhere, { kind: 'helper' }>,
  result: EngineLoginResult,
  timeoutMs: number,
): EngineLoginResult | StoreFailure {
  const base = { file: helper.file, helper: helper.helper, setBy: helper.setBy, advice: helperAdvice(helper.helper) };
  if (result.timedOut) {
    return storeFailure(
      registry,
      { ...base, state: 'timeout' },
      `docker login did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped, with ${describeHelper(helper)}: the helper answered \`list\` but did not finish storing the login (a locked keyring waiting for a prompt nobody sees?).`,
    );
  }
  const said = result.storeError;
  if (said === undefined) return result;
  return storeFailure(registry, { ...base, state: 'failed', said }, `docker could not store the login with ${describeHelper(helper)}: ${said}.`);
}

/** The login the wizard's "store this login in the file" choice runs: the same login, with `--insecure-storage`. */
export function loginWithInsecureStorage(
  verified: { registry: string; registryUrl?: string | undefined },
  req: Omit<LoginRequest, 'insecureStorage'>,
  run: Runner = spawnRunner,
) {
  return loginAfterVerify(verified, { ...req, insecureStorage: true }, run);
}
