/**
 * The fields of a run in flat exports (CSV, the CLI's tables of every field), in
 * the one documented order: `runId`, then `source` when asked, then the 26 other
 * documented v2 fields in their documented order (present for every run, empty when unset),
 * then the known deployed columns the databases have (registry order), then every
 * column runmeta does not know, as `extra.<column>`, in table order. A database's
 * columns decide the list, so every column a run has is exported and the header
 * is known before the first row is read.
 *
 * @packageDocumentation
 */
import {
  CANONICAL_RUN_COLUMNS,
  type ColumnDef,
  DEPLOYED_RUN_COLUMNS,
  RUN_COLUMNS,
} from './registry.js';

/** One exported field: a known field (SDK name) or an unknown column (SQL name). */
export type ExportField =
  | { kind: 'field'; name: string }
  | { kind: 'source'; name: 'source' }
  | { kind: 'extra'; name: `extra.${string}`; column: string };

/**
 * The export fields for runs read from tables with these columns (one list per
 * database: the active one, then the archive).
 */
export function exportFields(
  tables: readonly (readonly string[])[],
  options: { source?: boolean } = {},
): ExportField[] {
  const present = new Set(tables.flat());
  const fields: ExportField[] = [{ kind: 'field', name: 'runId' }];
  if (options.source) fields.push({ kind: 'source', name: 'source' });
  for (const field of Object.keys(CANONICAL_RUN_COLUMNS)) {
    if (field !== 'runId') fields.push({ kind: 'field', name: field });
  }
  const known = new Set<string>();
  for (const column of Object.values(CANONICAL_RUN_COLUMNS) as ColumnDef[]) known.add(column.name);
  for (const [field, column] of Object.entries(DEPLOYED_RUN_COLUMNS) as [string, ColumnDef][]) {
    known.add(column.name);
    if (present.has(column.name)) fields.push({ kind: 'field', name: field });
  }
  const extra = new Set<string>();
  for (const columns of tables) {
    for (const column of columns) {
      if (!known.has(column) && !extra.has(column)) {
        extra.add(column);
        fields.push({ kind: 'extra', name: `extra.${column}`, column });
      }
    }
  }
  return fields;
}

/**
 * The value of one export field of a decoded run (`source` defaults to
 * `active`). A stored value that could not be decoded (bad JSON, a wrong type)
 * is exported as stored — its raw value from `readIssues` — never as empty.
 */
export function exportValue(
  run: {
    extra: Record<string, unknown>;
    source?: string;
    readIssues?: readonly { column: string; raw: unknown }[];
  } & object,
  field: ExportField,
): unknown {
  if (field.kind === 'extra') return run.extra[field.column];
  if (field.kind === 'source') return run.source ?? 'active';
  const column = (RUN_COLUMNS as Record<string, ColumnDef>)[field.name]?.name;
  const issue = run.readIssues?.find((i) => i.column === column);
  return issue ? issue.raw : (run as Record<string, unknown>)[field.name];
}
