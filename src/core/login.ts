/** The login that follows a passed verification: the engine, then where it stored the credential. */
import { resolveEngine, engineLogin, type EngineChoice, type EngineName, type EngineLoginResult } from './engine.js';
import { storageFor } from './authconfig.js';
import { spawnRunner, type Runner } from './process.js';
import type { Verdict } from './verdict.js';

/**
 * The login that follows a passed verification, for `login` and the wizard alike: find the engine, then log in
 * to the registry exactly as verified (plain HTTP only where verification found a plain-HTTP loopback registry).
 */
export async function loginAfterVerify(
  verified: { registry: string; registryUrl?: string | undefined },
  req: { choice: EngineChoice; username: string; token: string; env: NodeJS.ProcessEnv; timeoutMs: number },
  run: Runner = spawnRunner,
): Promise<{ engine: EngineName | null; result: EngineLoginResult | Verdict }> {
  const engine = resolveEngine(req.choice, req.env);
  if ('verdict' in engine) return { engine: null, result: engine };
  const result = await engineLogin(
    {
      engine: engine.engine,
      file: engine.file,
      registry: verified.registry,
      username: req.username,
      token: req.token,
      // fetchChallenge falls back to plain HTTP for loopback registries only.
      plainHttpLoopback: verified.registryUrl?.startsWith('http:') === true,
      timeoutMs: req.timeoutMs,
      env: req.env,
    },
    run,
  );
  return { engine: engine.engine, result: result.loggedIn ? { ...result, storage: storageFor(engine.engine, verified.registry, req.env) } : result };
}
