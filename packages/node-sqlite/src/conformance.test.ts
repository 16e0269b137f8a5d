import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ConformanceOptions, describeAdapterConformance } from '@runmeta/core/testing';
import { afterAll } from 'vitest';
import { createNodeSqliteAdapter } from './index.js';
import { loadFixtures } from './test-support.js';

const fixtures = loadFixtures();
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-conformance-'));
let n = 0;
const skip: ConformanceOptions['skip'] = {
  'refuses bytes that are not SQLite when importing them, creating nothing':
    'A database file stores any bytes verbatim and has no import step to refuse them at.',
};
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

describeAdapterConformance({
  name: 'node-sqlite (memory)',
  createAdapter: () => createNodeSqliteAdapter({ memory: true }),
  fixtures,
  skip,
});

describeAdapterConformance({
  name: 'node-sqlite (temp files)',
  createAdapter: () =>
    createNodeSqliteAdapter({ directory: path.join(temp, `c${n++}`, 'metadata') }),
  fixtures,
  skip,
});
