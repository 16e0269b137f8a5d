import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../../test-support/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // synchronous_commit=off: a crash may lose the last commits but never corrupts;
  // it is what SQLite's WAL with synchronous=NORMAL promises too, and keeps tests fast.
  const cluster = await startPostgresCluster({ synchronous_commit: 'off' });
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
