import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// No test touches the real home: HOME, the XDG directories and DOCKER_CONFIG point into a temporary home that
// test/helpers/global-home.ts removes when the run ends.
const home = (process.env.GRL_TEST_HOME ??= mkdtempSync(path.join(tmpdir(), 'grl-test-home-')));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/helpers/global-home.ts'],
    env: {
      // Ink renders nothing until exit when CI is set; UI tests need it off (CI runs with CI=true).
      CI: 'false',
      FORCE_COLOR: '0',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      DOCKER_CONFIG: path.join(home, '.docker'),
    },
  },
});
