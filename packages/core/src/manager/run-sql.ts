/**
 * The statements the manager runs on one run and its child records, built from
 * the column registry over the columns the database actually has (see
 * {@link ColumnCache}). Writes return the row as stored (`RETURNING`): no second
 * read, and the result is exactly what the transaction wrote.
 *
 * @packageDocumentation
 */
import { TABLES, type TableDef } from '../columns/registry.js';
import { decodeRow, encodeRows } from '../columns/rows.js';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import { insertSql, returningSql, selectSql, updateSql } from '../columns/sql.js';
import type { EntityLevel } from '../metrics/fidelity.js';
import type { StoredStrategy } from '../schema/strategy.js';
import { readValues } from '../sql/statement-executor.js';
import type { Row, SqlValue } from '../sql/values.js';
import type { Executor } from '../storage/database.js';
import { keyOrderBy, type RowOrder } from '../storage/keyset-pages.js';
import { ID_BATCH } from './archive-union.js';
import type { ColumnCache } from './column-cache.js';
import { decodeRuns, groupMechanisms, mechanismsOfRunsSql } from './run-queries.js';

/** Whether the `runs` table of `tx` holds `runId`. */
export async function runExists(tx: Executor, runId: string): Promise<boolean> {
  return (await tx.all('SELECT 1 AS x FROM "runs" WHERE "run_id" = ?', [runId])).length > 0;
}

/** One run, read over `columns` and decoded (null when there is no such run). */
export async function readRun(
  db: Executor,
  columns: readonly string[],
  runId: string,
  source?: RunSource,
): Promise<RunMetadata | null> {
  const rows = await readValues(db, `${selectSql('runs', [...columns])} WHERE "run_id" = ?`, [
    runId,
  ]);
  return decodeRuns(rows, source)[0] ?? null;
}

/** What completing or closing a run needs to know of it, without decoding the whole row. */
export async function readRunState(
  tx: Executor,
  columns: readonly string[],
  runId: string,
): Promise<{ status: string | null; fidelityStrategy: StoredStrategy | null } | null> {
  const present = columns.filter((c) => c === 'status' || c === 'fidelity_strategy_json');
  const rows = await tx.all(`${selectSql('runs', ['run_id', ...present])} WHERE "run_id" = ?`, [
    runId,
  ]);
  if (!rows[0]) return null;
  const { fields } = decodeRow(TABLES.runs, rows[0]);
  return {
    status: (fields.status as string | null | undefined) ?? null,
    fidelityStrategy: (fields.fidelityStrategy as StoredStrategy | null | undefined) ?? null,
  };
}

/** Insert a run and return it as stored. */
export async function insertRun(
  tx: Executor,
  columns: ColumnCache,
  fields: Record<string, unknown>,
): Promise<RunMetadata> {
  const encoded = await columns.encodeRunFields(tx, fields);
  const rows = await readValues(
    tx,
    insertSql('runs', encoded.columns) + returningSql(columns.of('runs')),
    encoded.params,
  );
  return decodeRuns(rows)[0]!;
}

/** Update a run and return it as stored (null when no such run). */
export async function updateRun(
  tx: Executor,
  columns: ColumnCache,
  runId: string,
  fields: Record<string, unknown>,
): Promise<RunMetadata | null> {
  const encoded = await columns.encodeRunFields(tx, fields);
  const rows = await readValues(
    tx,
    updateSql('runs', encoded.columns, 'run_id') + returningSql(columns.of('runs')),
    [...encoded.params, runId],
  );
  return decodeRuns(rows)[0] ?? null;
}

/**
 * Insert or replace a whole run (upsert on `run_id`), with `extra` values for
 * columns outside the known fields, and return it as stored.
 */
export async function upsertRun(
  tx: Executor,
  columns: ColumnCache,
  fields: Record<string, unknown>,
  extra: Record<string, SqlValue>,
): Promise<RunMetadata> {
  const encoded = await columns.encodeRunFields(tx, fields);
  encoded.columns.push(...Object.keys(extra));
  encoded.params.push(...Object.values(extra));
  const rows = await readValues(
    tx,
    insertSql('runs', encoded.columns, 'run_id') + returningSql(columns.of('runs')),
    encoded.params,
  );
  return decodeRuns(rows)[0]!;
}

/** Insert child rows of one table in one prepared statement (`shared`: run id, batch time). */
export async function insertChildRows(
  tx: Executor,
  table: TableDef,
  rows: Record<string, unknown>[],
  shared: Record<string, unknown>,
): Promise<void> {
  const { columns, paramSets } = encodeRows(table, rows, shared);
  await tx.runMany(insertSql(table.name, columns), paramSets);
}

/** A run's resolution assignments, as the fidelity distribution reads them. */
export async function assignmentsOf(tx: Executor, runId: string): Promise<EntityLevel[]> {
  const assignments = await tx.all(
    'SELECT "id", "entity_id", "resolution", "timestamp" FROM "resolution_assignments" WHERE "run_id" = ?',
    [runId],
  );
  return assignments.map((a) => ({
    entityId: String(a.entity_id),
    resolution: a.resolution as string | null,
    timestamp: a.timestamp as string | null,
    id: Number(a.id),
  }));
}

/**
 * The distinct mechanisms of each of `runIds`, with one grouped query per
 * {@link ID_BATCH} ids (a page can be larger than the parameters a statement takes).
 */
export async function mechanismsOfRuns(
  db: Executor,
  runIds: readonly string[],
): Promise<Map<string, string[]>> {
  const rows: Row[] = [];
  for (let i = 0; i < runIds.length; i += ID_BATCH) {
    const ids = runIds.slice(i, i + ID_BATCH);
    rows.push(
      ...(await db.all(mechanismsOfRunsSql(db.dialect, ids.map(() => '?').join(', ')), ids)),
    );
  }
  return groupMechanisms(rows);
}

/** A run's rows of a child table over `columns`, in recorded `order`. */
export function childRows(
  db: Executor,
  table: TableDef,
  columns: readonly string[],
  runId: string,
  order: RowOrder,
): Promise<Row[]> {
  return db.all(`${selectSql(table.name, [...columns])} WHERE "run_id" = ?${keyOrderBy(order)}`, [
    runId,
  ]);
}
