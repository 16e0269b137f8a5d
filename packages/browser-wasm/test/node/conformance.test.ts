import { describeAdapterConformance } from '@runmeta/core/testing';
import { createSqlJsAdapter } from '../../src/index.js';
import { loadFixtures } from './fixtures.js';

// The same suite runs in headless Chromium (test/browser); here it runs on sql.js in Node.
describeAdapterConformance({
  name: 'browser-wasm (sql.js in Node)',
  createAdapter: () => createSqlJsAdapter(),
  fixtures: loadFixtures(),
});
