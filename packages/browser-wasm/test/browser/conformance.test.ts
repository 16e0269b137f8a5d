import { describeAdapterConformance } from '@runmeta/core/testing';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import { createSqlJsAdapter } from '../../src/index.js';
import { loadFixtures } from './fixtures.js';

// The core suite, unchanged, inside a real Chromium page.
describeAdapterConformance({
  name: 'browser-wasm (sql.js in Chromium)',
  createAdapter: () => createSqlJsAdapter({ locateFile: () => wasmUrl }),
  fixtures: await loadFixtures(),
  skip: {
    'refuses bytes that are not SQLite when importing them, creating nothing':
      'sql.js keeps a database image verbatim and has no import step to refuse it at.',
  },
});
