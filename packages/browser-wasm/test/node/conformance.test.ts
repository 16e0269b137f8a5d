import { describeAdapterConformance } from '@runmeta/core/testing';
import { loadFixtures } from '../../../../test-support/legacy-fixtures.js';
import { createSqlJsAdapter } from '../../src/index.js';

// The same suite runs in headless Chromium (test/browser); here it runs on sql.js in Node.
describeAdapterConformance({
  name: 'browser-wasm (sql.js in Node)',
  createAdapter: () => createSqlJsAdapter(),
  fixtures: loadFixtures(),
  skip: {
    'refuses bytes that are not SQLite when importing them, creating nothing':
      'sql.js keeps a database image verbatim and has no import step to refuse it at.',
  },
});
