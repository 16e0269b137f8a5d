/**
 * The shape of a run in a runmeta dump (`runmeta export --format jsonl
 * --children`, one run per line): the run's fields as the SDK reads them, its
 * columns runmeta does not know, and its child records, with keys in an order
 * fixed by the registry, never by the order a table happens to have its columns
 * in. Two databases holding the same runs dump the same bytes, which is what
 * makes dump → import → dump exact.
 *
 * @packageDocumentation
 */
import type { ReadIssue } from '../schema/read-issue.js';
import { TABLES, type TableDef } from './registry.js';

/**
 * The child tables a dump line carries, under the key each has in the line.
 * Declared once: the reader of a dump (import) and its writer share it.
 */
export const DUMP_CHILDREN = {
  mechanisms: TABLES.mechanismUsage,
  resolutions: TABLES.resolutionAssignments,
  validations: TABLES.validations,
} as const satisfies Record<string, TableDef>;

/** A key of {@link DUMP_CHILDREN}: `mechanisms`, `resolutions` or `validations`. */
export type DumpChildKey = keyof typeof DUMP_CHILDREN;

/**
 * Child fields a dump leaves out: the generated row id (rows are imported in
 * their recorded order, which is all an id says) and the run id (the line's own).
 */
export const DUMP_OMITTED_CHILD_FIELDS: readonly string[] = ['id', 'runId'];

const RUN_FIELDS = Object.keys(TABLES.runs.columns);
const CHILD_FIELDS = new Map<TableDef, string[]>(
  Object.values(DUMP_CHILDREN).map((table) => [
    table,
    Object.keys(table.columns).filter((f) => !DUMP_OMITTED_CHILD_FIELDS.includes(f)),
  ]),
);

type ReadRecord = Record<string, unknown> & {
  extra?: Record<string, unknown>;
  readIssues?: ReadIssue[];
};

/**
 * A run with its child records as a new object whose keys come in dump order:
 * fields in registry order (fields the run's table lacks are absent, as on
 * read), then `extra` (always, in the table's column order), `readIssues` when a
 * value could not be read, `source` when the run was read with its archive, and
 * `mechanisms`, `resolutions`, `validations`. `JSON.stringify` of it is a dump line.
 */
export function inDumpOrder(run: object): Record<string, unknown> {
  const given = run as ReadRecord;
  const line: Record<string, unknown> = {};
  for (const field of RUN_FIELDS) if (field in given) line[field] = given[field];
  line.extra = given.extra ?? {};
  if (given.readIssues?.length) line.readIssues = given.readIssues;
  if (given.source !== undefined) line.source = given.source;
  for (const [key, table] of Object.entries(DUMP_CHILDREN)) {
    const rows = given[key] as ReadRecord[] | undefined;
    if (rows) line[key] = rows.map((row) => childInDumpOrder(row, CHILD_FIELDS.get(table)!));
  }
  return line;
}

/** A child record in a dump: its fields in registry order, then what reads add. */
function childInDumpOrder(row: ReadRecord, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Every field, null where the table lacks its column: a restored table has it.
  for (const field of fields) out[field] = field in row ? row[field] : null;
  if (row.extra && Object.keys(row.extra).length) out.extra = row.extra;
  if (row.readIssues?.length) out.readIssues = row.readIssues;
  return out;
}
