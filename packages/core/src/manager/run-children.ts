/**
 * A run's child records (mechanism events, resolution assignments, validations)
 * as reads return them, one row at a time or for a whole page of runs at once.
 *
 * @packageDocumentation
 */
import { DUMP_CHILDREN, type DumpChildKey, inDumpOrder } from '../columns/dump-order.js';
import type { TableDef } from '../columns/registry.js';
import { decodeRow } from '../columns/rows.js';
import type { RunMetadata } from '../columns/run-record.js';
import { selectSql } from '../columns/sql.js';
import type { MechanismUsage, ResolutionAssignment, ValidationRecord } from '../schema/records.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { Row } from '../sql/values.js';
import type { Executor } from '../storage/database.js';
import { keyOrderBy, rowOrderOf } from '../storage/keyset-pages.js';
import { ID_BATCH } from './archive-union.js';

/**
 * A run with its child records in recorded order (`iterateRuns` with
 * `withChildren`), keys in dump order: `JSON.stringify` of it is a line of a
 * runmeta dump, which `MetadataManager.importRuns` reads back. Child records
 * leave out their row id and run id.
 */
export type RunWithChildren = RunMetadata & {
  mechanisms: MechanismUsage[];
  resolutions: ResolutionAssignment[];
  validations: ValidationRecord[];
};

/**
 * A child row as reads return it: known fields, `extra` and `readIssues` only when
 * there are some (with `keepRaw`, `normalised` values too: a dump's reads).
 */
export function decodeChildRow(
  table: TableDef,
  row: Row,
  keepRaw = false,
): Record<string, unknown> {
  const { fields, extra, issues } = decodeRow(table, row, keepRaw);
  if (Object.keys(extra).length) fields.extra = extra;
  if (issues.length) fields.readIssues = issues;
  return fields;
}

/**
 * A page of runs with their child records, read from `db` (whose schema is
 * `schema`) with one `IN (...)` query per child table and {@link ID_BATCH} runs,
 * never one per run, as new objects in dump order. Rows keep their recorded order
 * (insertion order, or the key of a table without rowid). A table the database
 * lacks gives empty lists.
 */
export async function attachChildren(
  db: Executor,
  schema: ObservedSchema | undefined,
  runs: RunMetadata[],
): Promise<RunWithChildren[]> {
  const withChildren = runs as RunWithChildren[];
  for (const [key, table] of Object.entries(DUMP_CHILDREN) as [DumpChildKey, TableDef][]) {
    const byRun = new Map<string, Record<string, unknown>[]>();
    for (const run of withChildren) byRun.set(run.runId, []);
    const columns = (schema?.tables[table.name] ?? []).map((c) => c.name);
    if (columns.includes('run_id')) {
      // By run first: the run_id index then gives the rows in order, with no sort.
      const order = keyOrderBy(rowOrderOf(schema, table.name)).replace(
        ' ORDER BY ',
        ' ORDER BY "run_id", ',
      );
      const ids = [...byRun.keys()];
      for (let i = 0; i < ids.length; i += ID_BATCH) {
        const batch = ids.slice(i, i + ID_BATCH);
        const rows = await db.all(
          `${selectSql(table.name, columns)} WHERE "run_id" IN (${batch.map(() => '?').join(', ')})${order}`,
          batch,
        );
        for (const row of rows)
          byRun.get(String(row.run_id))?.push(decodeChildRow(table, row, true));
      }
    }
    for (const run of withChildren) (run as Record<string, unknown>)[key] = byRun.get(run.runId);
  }
  return withChildren.map((run) => inDumpOrder(run) as RunWithChildren);
}
