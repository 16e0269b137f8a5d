/**
 * What `compareRuns` reads of a handful of runs from one database: their rows,
 * their mechanism events and validation outcomes counted per run by the
 * database, and — for v1 runs without a stored distribution — their resolution
 * assignments. One statement per table for up to {@link ID_BATCH} runs, each
 * an index lookup on `run_id`, so the cost does not grow with the size of the
 * database.
 *
 * @packageDocumentation
 */
import { TABLES } from '../columns/registry.js';
import { decodeRow } from '../columns/rows.js';
import type { RunMetadata } from '../columns/run-record.js';
import { selectSql } from '../columns/sql.js';
import { ID_BATCH } from '../manager/archive-union.js';
import type { ReadSource } from '../manager/read-sources.js';
import { decodeRun } from '../manager/run-queries.js';
import type { EntityLevel } from '../metrics/fidelity.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row } from '../sql/values.js';

/** Rows of one statement per {@link ID_BATCH} ids; `sql` gets the `IN` list's placeholders. */
async function perBatch(
  source: ReadSource,
  runIds: readonly string[],
  sql: (placeholders: string) => string,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (let i = 0; i < runIds.length; i += ID_BATCH) {
    const ids = runIds.slice(i, i + ID_BATCH);
    rows.push(...(await source.db.all(sql(ids.map(() => '?').join(', ')), ids)));
  }
  return rows;
}

/** A column when the table has it, else NULL under its name (legacy tables vary). */
function columnOr(columns: readonly string[], column: string): string {
  return columns.includes(column) ? quoteIdent(column) : `NULL AS ${quoteIdent(column)}`;
}

/** The runs of `runIds` that `source` holds, decoded, by run id. */
export async function readRuns(
  source: ReadSource,
  runIds: readonly string[],
): Promise<Map<string, RunMetadata>> {
  const columns = source.columns('runs');
  const rows = await perBatch(
    source,
    runIds,
    (ids) => `${selectSql('runs', columns)} WHERE "run_id" IN (${ids})`,
  );
  const runs = new Map<string, RunMetadata>();
  for (const row of rows) {
    const run = decodeRun(row, source.source);
    runs.set(run.runId, run);
  }
  return runs;
}

/** Events of one mechanism in one run. */
export interface MechanismEvents {
  mechanism: string;
  events: number;
}

/** Mechanism events per run and mechanism, counted by the database. */
export async function readMechanismEvents(
  source: ReadSource,
  runIds: readonly string[],
): Promise<Map<string, MechanismEvents[]>> {
  const byRun = new Map<string, MechanismEvents[]>();
  const columns = source.columns(TABLES.mechanismUsage.name);
  if (!columns.includes('run_id') || !columns.includes('mechanism')) return byRun;
  const rows = await perBatch(
    source,
    runIds,
    (ids) =>
      `SELECT "run_id", "mechanism", count(*) AS "events" FROM "mechanism_usage" WHERE "run_id" IN (${ids}) GROUP BY "run_id", "mechanism"`,
  );
  for (const row of rows) {
    const runId = String(row.run_id);
    const list = byRun.get(runId) ?? [];
    list.push({ mechanism: String(row.mechanism), events: Number(row.events) });
    byRun.set(runId, list);
  }
  return byRun;
}

/** How many validations of one validator in one run had one outcome. */
export interface ValidationOutcomes {
  validatorName: string;
  /** `null` when the stored outcome is neither true nor false. */
  passed: boolean | null;
  count: number;
}

/** A stored `passed` as a boolean, read as leniently as the manager reads it. */
function outcome(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  const column = TABLES.validations.columns.passed;
  return (column.codec.decode(raw as never).value as boolean | null | undefined) ?? null;
}

/** Validation outcomes per run, validator and outcome, counted by the database. */
export async function readValidationOutcomes(
  source: ReadSource,
  runIds: readonly string[],
): Promise<Map<string, ValidationOutcomes[]>> {
  const byRun = new Map<string, ValidationOutcomes[]>();
  const columns = source.columns(TABLES.validations.name);
  if (!columns.includes('run_id')) return byRun;
  const name = columnOr(columns, 'validator_name');
  const passed = columnOr(columns, 'passed');
  const rows = await perBatch(
    source,
    runIds,
    (ids) =>
      `SELECT "run_id", ${name}, ${passed}, count(*) AS "n" FROM "validations" WHERE "run_id" IN (${ids}) GROUP BY 1, 2, 3`,
  );
  for (const row of rows) {
    const runId = String(row.run_id);
    const list = byRun.get(runId) ?? [];
    list.push({
      validatorName: String(row.validator_name ?? ''),
      passed: outcome(row.passed),
      count: Number(row.n),
    });
    byRun.set(runId, list);
  }
  return byRun;
}

/** The resolution assignments of `runIds`, as the fidelity distribution reads them, per run. */
export async function readAssignments(
  source: ReadSource,
  runIds: readonly string[],
): Promise<Map<string, EntityLevel[]>> {
  const byRun = new Map<string, EntityLevel[]>();
  const table = TABLES.resolutionAssignments;
  const columns = source.columns(table.name);
  if (runIds.length === 0 || !columns.includes('run_id') || !columns.includes('entity_id')) {
    return byRun;
  }
  const wanted = ['id', 'run_id', 'entity_id', 'resolution', 'timestamp'];
  const list = wanted.filter((c) => columns.includes(c));
  const rows = await perBatch(
    source,
    runIds,
    (ids) => `${selectSql(table.name, list)} WHERE "run_id" IN (${ids})`,
  );
  for (const row of rows) {
    const { fields } = decodeRow(table, row);
    const runId = String(row.run_id);
    const assignments = byRun.get(runId) ?? [];
    assignments.push({
      entityId: String(fields.entityId),
      resolution: typeof fields.resolution === 'string' ? fields.resolution : null,
      timestamp: typeof fields.timestamp === 'string' ? fields.timestamp : null,
      id: typeof fields.id === 'number' ? fields.id : null,
    });
    byRun.set(runId, assignments);
  }
  return byRun;
}
