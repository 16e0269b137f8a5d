import { describeAdapterConformance } from '@runmeta/core/testing';
import { afterAll } from 'vitest';
import { loadFixtures } from '../../../test-support/legacy-fixtures.js';
import { dropTestSchemas, freshAdapter } from './support.js';

describeAdapterConformance({
  name: 'postgres',
  createAdapter: freshAdapter,
  fixtures: loadFixtures(),
});

afterAll(dropTestSchemas);
