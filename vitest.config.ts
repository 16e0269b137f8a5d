import { defineConfig } from 'vitest/config';

// One vitest run covers every package: each package is a project, and coverage is
// collected across all of them, so core code exercised through an adapter's
// conformance run counts towards core's coverage.
export default defineConfig({
  test: {
    projects: ['packages/*', 'packages/browser-wasm/vitest.browser.config.ts', 'apps/docs'],
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: [
        '**/*.test.ts',
        '**/*.fixture.ts',
        '**/testing/**',
        '**/test-support.ts',
        '**/*.d.ts',
      ],
      reporter: ['text-summary', 'json-summary', 'text'],
      reportsDirectory: 'coverage',
      thresholds: {
        'packages/core/src/**': { lines: 90 },
      },
    },
  },
});
