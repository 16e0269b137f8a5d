/**
 * What a rollback would leave only in the backup: everything written to the v2
 * database since the migration that the v1 archive lacks. New runs are easy to
 * see (their schema_version is not '1.0'); changes to carried-over runs are found
 * by comparing each of them with its archive row, page by page (memory does not
 * grow with the number of runs, and it works on every backend).
 *
 * @packageDocumentation
 */
import {
  CHILD_TABLES,
  canonicalColumns,
  TABLES,
  type TableDef,
  V1_SCHEMA_VERSION,
} from '../columns/registry.js';
import { observeSchema } from '../migrate/observe.js';
import { ChangesSinceMigrationSchema, ExecutorOption, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, SqlValue } from '../sql/values.js';
import type { Executor } from '../storage/database.js';

/** What exists only in the v2 database, counted by kind (see {@link changesSinceMigration}). */
export interface ChangesSinceMigration {
  /** When the migration being undone ran (its history row), or null when unknown. */
  migratedAt: string | null;
  /** Runs written since the migration: every run whose schema_version is not '1.0'. */
  newRuns: number;
  /**
   * Carried-over runs (schema_version '1.0') whose v1 columns differ from their
   * archive row — closed as stale, completed, summarised, touched by a recorded
   * event, saved — or that the archive lacks.
   */
  changedRuns: number;
  /**
   * Carried-over runs with any v2 field set (metrics computed by backfill, or by
   * completing the run since); the archive has no such columns.
   */
  runsWithV2Fields: number;
  /**
   * Child rows of carried-over runs that the archive lacks, per child table:
   * compared by content, run by run (a carry-over of the archive may renumber ids).
   */
  childRowsAdded: Record<string, number>;
  /**
   * Columns (`table.column`) that neither the v2 schema nor the archive has, so
   * their values exist only in the backup.
   */
  columnsAdded: string[];
}

/** The v2 fields a carried-over run can gain (`schema_version` aside). */
const V2_FIELDS = canonicalColumns(TABLES.runs)
  .filter((c) => c.origin === 'v2' && c.name !== 'schema_version')
  .map((c) => c.name);

const PAGE = 1000;

/** Equal as stored, allowing for a value the copy converted to the column's type. */
function sameValue(a: SqlValue | undefined, b: SqlValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((byte, i) => byte === b[i])
    );
  }
  return typeof a === typeof b ? String(a) === String(b) : Number(a) === Number(b);
}

async function scalar(db: Executor, sql: string, params: SqlValue[] = []): Promise<number> {
  const [row] = await db.all(sql, params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

/**
 * Carried-over runs that differ from (or are missing in) the archive, page by
 * page: a column the archive has holds another value, or a column it lacks
 * (`gained`: updated_at, a summary added since...) holds one at all.
 */
async function countChangedRuns(
  active: Executor,
  archive: Executor,
  columns: string[],
  gained: string[],
) {
  const list = ['run_id', ...columns.filter((c) => c !== 'run_id')].map(quoteIdent).join(', ');
  const carried = `SELECT ${[list, ...gained.map(quoteIdent)].join(', ')} FROM "runs" WHERE "schema_version" = ?`;
  let changed = 0;
  let last: SqlValue | null = null;
  for (;;) {
    const page: Row[] = await active.all(
      last === null
        ? `${carried} AND "run_id" IS NOT NULL ORDER BY "run_id" LIMIT ?`
        : `${carried} AND "run_id" > ? ORDER BY "run_id" LIMIT ?`,
      last === null ? [V1_SCHEMA_VERSION, PAGE] : [V1_SCHEMA_VERSION, last, PAGE],
    );
    if (page.length === 0) break;
    const originals = new Map(
      (
        await archive.all(
          `SELECT ${list} FROM "runs" WHERE "run_id" IN (${page.map(() => '?').join(', ')})`,
          page.map((row) => row.run_id ?? null),
        )
      ).map((row) => [String(row.run_id), row]),
    );
    for (const row of page) {
      const original = originals.get(String(row.run_id));
      if (
        !original ||
        columns.some((c) => !sameValue(row[c], original[c])) ||
        gained.some((c) => row[c] !== null && row[c] !== undefined)
      )
        changed++;
    }
    last = page.at(-1)!.run_id ?? null;
    if (page.length < PAGE) break;
  }
  return changed;
}

/**
 * A child row's content as a comparable key: ids are left out (carrying an archive
 * over may renumber them), and a value the copy converted to the column's type
 * (`'5'` → `5`) compares equal to its original.
 */
function contentKey(row: Row, columns: readonly string[]): string {
  return JSON.stringify(
    columns.map((c) => {
      const value = row[c];
      if (value === null || value === undefined) return null;
      if (value instanceof Uint8Array)
        return `b:${Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
      if (typeof value === 'number' || typeof value === 'bigint') return `n:${Number(value)}`;
      const text = String(value);
      return text.trim() !== '' && Number.isFinite(Number(text))
        ? `n:${Number(text)}`
        : `s:${text}`;
    }),
  );
}

/**
 * Child rows of carried-over runs that the archive lacks, for one child table:
 * per run, the v2 rows left over once each archived row has been matched to one
 * v2 row of the same content. Ids are not compared: a carry-over of the archive
 * may have renumbered them. Page by page over the carried-over runs.
 */
async function countChildRowsAdded(
  active: Executor,
  archive: Executor,
  table: TableDef,
  activeColumns: string[],
  archiveColumns: string[] | undefined,
): Promise<number> {
  const name = quoteIdent(table.name);
  if (!archiveColumns) {
    return scalar(
      active,
      `SELECT count(*) AS n FROM ${name} AS c JOIN "runs" AS r ON r."run_id" = c."run_id" WHERE r."schema_version" = ?`,
      [V1_SCHEMA_VERSION],
    );
  }
  const shared = activeColumns.filter((c) => c !== 'id' && archiveColumns.includes(c));
  const list = ['run_id', ...shared.filter((c) => c !== 'run_id')];
  const select = `SELECT ${list.map(quoteIdent).join(', ')} FROM ${name} WHERE "run_id" IN`;
  let added = 0;
  let last: SqlValue | null = null;
  for (;;) {
    const runs: Row[] = await active.all(
      `SELECT "run_id" FROM "runs" WHERE "schema_version" = ? AND "run_id" ${last === null ? 'IS NOT NULL' : '> ?'} ORDER BY "run_id" LIMIT ?`,
      last === null ? [V1_SCHEMA_VERSION, PAGE] : [V1_SCHEMA_VERSION, last, PAGE],
    );
    if (runs.length === 0) break;
    const ids = runs.map((row) => row.run_id ?? null);
    const marks = `(${ids.map(() => '?').join(', ')})`;
    const archived = new Map<string, number>();
    for (const row of await archive.all(`${select} ${marks}`, ids)) {
      const key = `${String(row.run_id)}\u0000${contentKey(row, list)}`;
      archived.set(key, (archived.get(key) ?? 0) + 1);
    }
    for (const row of await active.all(`${select} ${marks}`, ids)) {
      const key = `${String(row.run_id)}\u0000${contentKey(row, list)}`;
      const left = archived.get(key) ?? 0;
      if (left > 0) archived.set(key, left - 1);
      else added++;
    }
    last = runs.at(-1)!.run_id ?? null;
    if (runs.length < PAGE) break;
  }
  return added;
}

/**
 * Count, by kind, what the v2 database `active` holds that its v1 `archive`
 * lacks: runs written since the migration, carried-over runs changed since,
 * carried-over runs with v2 metrics, child rows added to carried-over runs, and
 * columns the archive does not have. Reads only.
 */
export async function changesSinceMigration(
  active: Executor,
  archive: Executor,
): Promise<ChangesSinceMigration> {
  parseInput(ExecutorOption, active, 'active', 'read');
  parseInput(ExecutorOption, archive, 'archive', 'read');
  const [activeSchema, archiveSchema] = [await observeSchema(active), await observeSchema(archive)];
  const runColumns = (activeSchema.tables.runs ?? []).map((c) => c.name);
  const archiveRunColumns = (archiveSchema.tables.runs ?? []).map((c) => c.name);
  let migratedAt: string | null = null;
  if (TABLES.history.name in activeSchema.tables) {
    const [row] = await active.all(
      `SELECT "applied_at" FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" = 'migrate' ORDER BY "id" DESC LIMIT 1`,
    );
    migratedAt = row?.applied_at == null ? null : String(row.applied_at);
  }
  const v2Fields = V2_FIELDS.filter(
    (c) => runColumns.includes(c) && !archiveRunColumns.includes(c),
  );
  // A column the archive has is restored with it (whoever added it to v2: the
  // migration, a later carry-over of the archive); v2's own columns are the schema.
  const columnsAdded: string[] = [];
  for (const table of [TABLES.runs, ...CHILD_TABLES]) {
    const ours = canonicalColumns(table).map((c) => c.name.toLowerCase());
    const archived = (archiveSchema.tables[table.name] ?? []).map((c) => c.name.toLowerCase());
    for (const column of activeSchema.tables[table.name] ?? []) {
      const lower = column.name.toLowerCase();
      if (!ours.includes(lower) && !archived.includes(lower))
        columnsAdded.push(`${table.name}.${column.name}`);
    }
  }
  const childRowsAdded: Record<string, number> = {};
  for (const table of CHILD_TABLES) {
    const columns = activeSchema.tables[table.name];
    if (!columns) continue;
    childRowsAdded[table.name] = await countChildRowsAdded(
      active,
      archive,
      table,
      columns.map((c) => c.name),
      archiveSchema.tables[table.name]?.map((c) => c.name),
    );
  }
  return {
    migratedAt,
    newRuns: await scalar(
      active,
      `SELECT count(*) AS n FROM "runs" WHERE "schema_version" IS NULL OR "schema_version" <> ?`,
      [V1_SCHEMA_VERSION],
    ),
    changedRuns: archiveRunColumns.includes('run_id')
      ? await countChangedRuns(
          active,
          archive,
          archiveRunColumns.filter((c) => runColumns.includes(c)),
          runColumns.filter(
            (c) =>
              !archiveRunColumns.includes(c) && c !== 'schema_version' && !v2Fields.includes(c),
          ),
        )
      : await scalar(active, `SELECT count(*) AS n FROM "runs" WHERE "schema_version" = ?`, [
          V1_SCHEMA_VERSION,
        ]),
    runsWithV2Fields: v2Fields.length
      ? await scalar(
          active,
          `SELECT count(*) AS n FROM "runs" WHERE "schema_version" = ? AND (${v2Fields.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' OR ')})`,
          [V1_SCHEMA_VERSION],
        )
      : 0,
    childRowsAdded,
    columnsAdded,
  };
}

/** The counts as one line, naming each kind that is not zero (empty when nothing changed). */
export function describeChanges(given: ChangesSinceMigration): string {
  const changes = parseOptions(ChangesSinceMigrationSchema, given, {
    name: 'changes',
    prefix: 'changes',
    operation: 'read',
  });
  const parts: string[] = [];
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  if (changes.newRuns) parts.push(`${plural(changes.newRuns, 'run')} started since the migration`);
  if (changes.changedRuns) {
    parts.push(
      `${plural(changes.changedRuns, 'carried-over run')} changed since (closed as stale, completed, summarised or touched by new records)`,
    );
  }
  if (changes.runsWithV2Fields) {
    parts.push(
      `${plural(changes.runsWithV2Fields, 'carried-over run')} with v2 metrics (computed by backfill or on completion)`,
    );
  }
  const children = Object.entries(changes.childRowsAdded).filter(([, n]) => n > 0);
  const childTotal = children.reduce((n, [, count]) => n + count, 0);
  if (childTotal) {
    parts.push(
      `${plural(childTotal, 'child row')} added to carried-over runs (${children.map(([t, n]) => `${t} ${n}`).join(', ')})`,
    );
  }
  if (changes.columnsAdded.length) {
    parts.push(
      `${plural(changes.columnsAdded.length, 'column')} added since (${changes.columnsAdded.join(', ')})`,
    );
  }
  return parts.join('; ');
}
