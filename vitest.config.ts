import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Ink renders nothing until exit when CI is set; UI tests need it off (CI runs with CI=true).
    env: { CI: 'false', FORCE_COLOR: '0' },
  },
});
