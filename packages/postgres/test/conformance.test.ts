import { describeAdapterConformance } from '@runmeta/core/testing';
import { afterAll } from 'vitest';
import { loadFixtures } from '../../../test-support/legacy-fixtures.js';
import { dropTestSchemas, freshAdapter } from './support.js';

describeAdapterConformance({
  name: 'postgres',
  createAdapter: freshAdapter,
  fixtures: loadFixtures(),
  skip: {
    'refuses bytes that are not SQLite, unchanged':
      'PostgreSQL imports a database image into a schema instead of keeping its bytes, so junk is refused at the import and never reaches an open.',
  },
});

afterAll(dropTestSchemas);
