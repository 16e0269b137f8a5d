import type { TestProject } from 'vitest/node';
import {
  type PostgresCluster,
  startPostgresCluster,
} from '../../../test-support/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's URL (packages/postgres/test/global-setup.ts). */
    postgresUrl: string;
  }
}

/**
 * Projects that need a server (postgres, cli) list this setup; vitest runs it
 * once per project, in one process: they share one cluster, stopped by the last.
 */
const shared = globalThis as {
  runmetaPostgres?: { cluster: Promise<PostgresCluster>; users: number };
};

export default async function setup(project: TestProject) {
  // synchronous_commit=off: a crash may lose the last commits but never corrupts;
  // it is what SQLite's WAL with synchronous=NORMAL promises too, and keeps tests fast.
  shared.runmetaPostgres ??= {
    cluster: startPostgresCluster({ synchronous_commit: 'off' }),
    users: 0,
  };
  const entry = shared.runmetaPostgres;
  entry.users++;
  const cluster = await entry.cluster;
  project.provide('postgresUrl', cluster.url);
  return () => {
    if (--entry.users > 0) return;
    cluster.stop();
    shared.runmetaPostgres = undefined;
  };
}
