/** vitest globalSetup: the temporary home vitest.config.ts made for the run is removed when the run ends. */
import { rmSync } from 'node:fs';

export function teardown(): void {
  const home = process.env.GRL_TEST_HOME;
  if (home && /grl-test-home-/.test(home)) rmSync(home, { recursive: true, force: true });
}
