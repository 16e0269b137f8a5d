/**
 * Shared helpers of the process tests: temp folders, fixture copies, plain
 * better-sqlite3 reads (independent of runmeta), and workers driven line by line.
 */
import BetterSqlite3 from 'better-sqlite3';

export {
  copyFixture,
  makeTempDir,
  removeDir,
  sha256,
} from '../../../test-support/temp-files.js';
export {
  killWorker,
  type WorkerExit,
  type WorkerHandle,
  watch,
} from '../../../test-support/worker-process.js';
export { startWorker } from './run-worker.js';

export type PlainRow = Record<string, unknown>;

/** Rows read through a plain, read-only better-sqlite3 connection. */
export function plainAll(file: string, sql: string, params: unknown[] = []): PlainRow[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as PlainRow[];
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` through a plain connection ('ok' when sound). */
export function integrityCheck(file: string): string {
  return plainAll(file, 'PRAGMA integrity_check')
    .map((row) => String(Object.values(row)[0]))
    .join('; ');
}

/** Names of a database's tables, sorted. */
export function tableNames(file: string): string[] {
  return plainAll(
    file,
    `SELECT name FROM sqlite_master
       WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  ).map((row) => String(row.name));
}

/** Row count of a table through a plain connection. */
export function countRows(file: string, table: string): number {
  return Number(plainAll(file, `SELECT count(*) AS n FROM "${table}"`)[0]?.n);
}
