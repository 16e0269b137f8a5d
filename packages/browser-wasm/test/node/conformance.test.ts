import { describeAdapterConformance } from '@runmeta/core/testing';
import { loadFixtures } from '../../../../test-support/legacy-fixtures.js';
import { createSqlJsAdapter } from '../../src/index.js';

// The same suite runs in headless Chromium (test/browser); here it runs on sql.js in Node.
describeAdapterConformance({
  name: 'browser-wasm (sql.js in Node)',
  createAdapter: () => createSqlJsAdapter(),
  fixtures: loadFixtures(),
});
