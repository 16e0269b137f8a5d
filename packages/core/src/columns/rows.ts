/**
 * Row decoding and encoding, derived from the registry. Rows are objects keyed by
 * column name; nothing is ever read by position.
 */

import type { ReadIssue } from '../schema/read-issue.js';
import type { Row, SqlValue } from '../sql/values.js';
import { type ColumnDef, columnsOf, type TableDef } from './registry.js';

const byName = new WeakMap<TableDef, Map<string, [field: string, column: ColumnDef]>>();

/** SQL name → [field, column] for a table (cached). */
export function fieldIndex(table: TableDef): Map<string, [string, ColumnDef]> {
  let index = byName.get(table);
  if (!index) {
    index = new Map(
      Object.entries(table.columns).map(([field, column]) => [column.name, [field, column]]),
    );
    byName.set(table, index);
  }
  return index;
}

/** A decoded row: known columns as fields, the rest in `extra`, odd values in `issues`. */
export interface DecodedRow {
  fields: Record<string, unknown>;
  extra: Record<string, unknown>;
  issues: ReadIssue[];
}

/**
 * How to decode rows of one shape (one query's columns), worked out once for
 * all of a query's rows: per column, its SDK field and column, or undefined for
 * a column runmeta does not know.
 */
export interface RowPlan {
  readonly names: readonly string[];
  readonly known: readonly ([field: string, column: ColumnDef] | undefined)[];
}

/** The plan for rows with these column names (every row of one query has the same). */
export function rowPlan(table: TableDef, names: readonly string[]): RowPlan {
  const index = fieldIndex(table);
  return { names, known: names.map((name) => index.get(name)) };
}

/**
 * Decode a row leniently: never throws, never drops a value. With `keepRaw` (a
 * dump), a value that decodes but would be written back as other content is
 * reported too (`normalised`, with its stored value).
 */
export function decodeRow(table: TableDef, row: Row, keepRaw = false): DecodedRow {
  const index = fieldIndex(table);
  const out: DecodedRow = { fields: {}, extra: {}, issues: [] };
  for (const name in row) decodeInto(out, name, index.get(name), row[name] as SqlValue, keepRaw);
  return out;
}

/**
 * Decode one row of a query as its values, named by the query's {@link rowPlan}
 * (see {@link decodeRow}): the path large reads take, with no object per row.
 */
export function decodeValues(
  plan: RowPlan,
  values: readonly SqlValue[],
  keepRaw = false,
): DecodedRow {
  const { names, known } = plan;
  const out: DecodedRow = { fields: {}, extra: {}, issues: [] };
  for (let i = 0; i < names.length; i++) {
    decodeInto(out, names[i]!, known[i], values[i] as SqlValue, keepRaw);
  }
  return out;
}

/** Decode column `name`'s value into `out` (an unknown column's goes to `extra` as it is). */
function decodeInto(
  out: DecodedRow,
  name: string,
  known: [field: string, column: ColumnDef] | undefined,
  raw: SqlValue,
  keepRaw: boolean,
): void {
  if (!known) {
    out.extra[name] = raw;
    return;
  }
  const [field, column] = known;
  if (raw === null || column.codec.isPlain?.(raw)) {
    out.fields[field] = raw;
    return;
  }
  const decoded = column.codec.decode(raw);
  out.fields[field] = decoded.value;
  if (decoded.issue) out.issues.push({ column: name, kind: decoded.issue, raw });
  else if (keepRaw && !sameContent(raw, column.codec.encode(decoded.value as never))) {
    out.issues.push({ column: name, kind: 'normalised', raw });
  }
}

/**
 * Whether a stored value and the value a write of its decoded form stores say
 * the same: equal, or JSON text that differs only in spacing and number spelling
 * (`{"a": 1.0}` and `{"a":1}`), which every JSON reader takes alike.
 */
function sameContent(raw: SqlValue, written: SqlValue): boolean {
  if (raw === written) return true;
  if (typeof raw !== 'string' || typeof written !== 'string') return false;
  try {
    return JSON.stringify(JSON.parse(raw)) === written;
  } catch {
    return false;
  }
}

const namesCache = new WeakMap<readonly ColumnDef[], string[]>();

/** SDK field names of `columns` (cached per column list). */
function fieldNames(table: TableDef, columns: readonly ColumnDef[]): string[] {
  let names = namesCache.get(columns);
  if (!names) {
    const index = fieldIndex(table);
    names = columns.map((c) => index.get(c.name)?.[0]).filter((f): f is string => f !== undefined);
    namesCache.set(columns, names);
  }
  return names;
}

/** Fill every field of `columns` that the row lacked with `null`. */
export function withNulls(
  fields: Record<string, unknown>,
  table: TableDef,
  columns: readonly ColumnDef[],
) {
  for (const field of fieldNames(table, columns)) if (!(field in fields)) fields[field] = null;
  return fields;
}

const entriesCache = new WeakMap<TableDef, [field: string, column: ColumnDef][]>();

/** `[field, column]` pairs of a table in registry order (cached). */
function entriesOf(table: TableDef): [string, ColumnDef][] {
  let entries = entriesCache.get(table);
  if (!entries) {
    entries = Object.entries(table.columns);
    entriesCache.set(table, entries);
  }
  return entries;
}

/**
 * Encode validated field values to column names and SQL values, in registry
 * order. Fields that are `undefined` are left out (not written).
 */
export function encodeFields(
  table: TableDef,
  values: Record<string, unknown>,
): { columns: string[]; params: SqlValue[] } {
  const columns: string[] = [];
  const params: SqlValue[] = [];
  for (const [field, column] of entriesOf(table)) {
    const value = values[field];
    if (value === undefined) continue;
    columns.push(column.name);
    params.push(column.codec.encode(value as never));
  }
  return { columns, params };
}

/** SQL column names of a table's declared columns. */
export function columnNames(table: TableDef): string[] {
  return columnsOf(table).map((c) => c.name);
}

/**
 * Encode many new rows of one table over one fixed column list — every declared
 * column but the generated id — so a whole batch is one prepared INSERT however
 * its items differ in optional fields. A value comes from the row, else from
 * `shared` (the run id, the batch time), else it is NULL. Child tables declare
 * no column defaults, so NULL is what leaving the column out would store.
 */
export function encodeRows(
  table: TableDef,
  rows: readonly Record<string, unknown>[],
  shared: Record<string, unknown>,
): { columns: readonly string[]; paramSets: SqlValue[][] } {
  const { entries, columns } = insertableOf(table);
  const paramSets = rows.map((row) =>
    entries.map(([field, column]) => column.codec.encode((row[field] ?? shared[field]) as never)),
  );
  return { columns, paramSets };
}

const insertableCache = new WeakMap<
  TableDef,
  { entries: [string, ColumnDef][]; columns: string[] }
>();

/** The columns a new row is written over: every declared one but the generated id (cached). */
function insertableOf(table: TableDef) {
  let insertable = insertableCache.get(table);
  if (!insertable) {
    const entries = entriesOf(table).filter(([, column]) => column.primaryKey !== 'autoincrement');
    insertable = { entries, columns: entries.map(([, column]) => column.name) };
    insertableCache.set(table, insertable);
  }
  return insertable;
}
