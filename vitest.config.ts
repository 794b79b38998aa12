import { defineConfig } from 'vitest/config';

// Tests import sibling packages through their public entry, resolved to TypeScript source via the
// "@speechkd/source" export condition, so a test run never depends on a stale dist/.
const conditions = ['@speechkd/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'packages', include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'apps', include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'datasets', include: ['datasets/*/src/**/*.test.ts', 'datasets/*/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'] } },
    ],
  },
});
