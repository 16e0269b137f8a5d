import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    // The built binary, and a throw-away PostgreSQL cluster for `--db postgres://`.
    globalSetup: ['test/global-setup.ts', '../postgres/test/global-setup.ts'],
    testTimeout: 60_000,
  },
});
