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
import { quoteIdent } from '../columns/sql.js';
import { observeSchema } from '../migrate/observe.js';
import type { Row, SqlValue } from '../storage/adapter.js';
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
  /** Child rows of carried-over runs that the archive lacks, per child table. */
  childRowsAdded: Record<string, number>;
  /** Columns the tables gained after the migration, as `table.column`. */
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

/** Child rows of carried-over runs the archive lacks, for one child table. */
async function countChildRowsAdded(
  active: Executor,
  archive: Executor,
  table: TableDef,
  activeColumns: string[],
  archiveColumns: string[] | undefined,
): Promise<number> {
  const name = quoteIdent(table.name);
  const ofCarried = `FROM ${name} AS c JOIN "runs" AS r ON r."run_id" = c."run_id" WHERE r."schema_version" = ?`;
  if (!archiveColumns)
    return scalar(active, `SELECT count(*) AS n ${ofCarried}`, [V1_SCHEMA_VERSION]);
  if (activeColumns.includes('id') && archiveColumns.includes('id')) {
    // Carry-over keeps child ids and later rows get ids above every copied one.
    const max = await scalar(archive, `SELECT coalesce(max("id"), 0) AS n FROM ${name}`);
    return scalar(active, `SELECT count(*) AS n ${ofCarried} AND c."id" > ?`, [
      V1_SCHEMA_VERSION,
      max,
    ]);
  }
  const now = await scalar(active, `SELECT count(*) AS n ${ofCarried}`, [V1_SCHEMA_VERSION]);
  return Math.max(0, now - (await scalar(archive, `SELECT count(*) AS n FROM ${name}`)));
}

/**
 * Count, by kind, what the v2 database `active` holds that its v1 `archive`
 * lacks: runs written since the migration, carried-over runs changed since,
 * carried-over runs with v2 fields, child rows added to carried-over runs, and
 * columns added since. Reads only.
 */
export async function changesSinceMigration(
  active: Executor,
  archive: Executor,
): Promise<ChangesSinceMigration> {
  const [activeSchema, archiveSchema] = [await observeSchema(active), await observeSchema(archive)];
  const runColumns = (activeSchema.tables.runs ?? []).map((c) => c.name);
  const archiveRunColumns = (archiveSchema.tables.runs ?? []).map((c) => c.name);
  let migratedAt: string | null = null;
  // What the migration itself added (carry-over keeps v1 columns v2 lacks); null: unknown.
  let addedByMigration: string[] | null = null;
  if (TABLES.history.name in activeSchema.tables) {
    const [row] = await active.all(
      `SELECT "applied_at", "details" FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" = 'migrate' ORDER BY "id" DESC LIMIT 1`,
    );
    migratedAt = row?.applied_at == null ? null : String(row.applied_at);
    try {
      const added = JSON.parse(String(row?.details ?? '{}')).addedColumns;
      if (Array.isArray(added)) addedByMigration = added.map(String);
    } catch {
      // A damaged history row: every non-canonical column not in the archive counts.
    }
  }
  const v2Fields = V2_FIELDS.filter(
    (c) => runColumns.includes(c) && !archiveRunColumns.includes(c),
  );
  const columnsAdded: string[] = [];
  for (const table of [TABLES.runs, ...CHILD_TABLES]) {
    const ours = canonicalColumns(table).map((c) => c.name);
    const archived = (archiveSchema.tables[table.name] ?? []).map((c) => c.name);
    for (const column of activeSchema.tables[table.name] ?? []) {
      const qualified = `${table.name}.${column.name}`;
      if (ours.includes(column.name)) continue;
      // Without a record of what the migration added, a column the archive has came with it.
      if (addedByMigration ? addedByMigration.includes(qualified) : archived.includes(column.name))
        continue;
      columnsAdded.push(qualified);
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
export function describeChanges(changes: ChangesSinceMigration): string {
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
