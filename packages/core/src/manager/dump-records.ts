/**
 * Reading one line of a runmeta dump back into rows: every value as the column
 * will hold it (encoded by the registry's codecs, the kept raw value where a read
 * could not decode one, columns runmeta does not know as they were). A line that
 * is not a dump line is refused with what is wrong, so an import can stop before
 * it writes anything.
 *
 * @packageDocumentation
 */
import {
  DUMP_CHILDREN,
  DUMP_OMITTED_CHILD_FIELDS,
  type DumpChildKey,
} from '../columns/dump-order.js';
import type { ColumnDef, TableDef } from '../columns/registry.js';
import { TABLES } from '../columns/registry.js';
import { fieldIndex } from '../columns/rows.js';
import type { SqlValue } from '../sql/values.js';

/** One table's row of a dump line: SQL column name → the value to store. */
export type DumpRow = Map<string, SqlValue>;

/** A dump line read back: the run's row and its child rows, table by table. */
export interface DumpRecord {
  runId: string;
  run: DumpRow;
  /** Child rows by their dump key (`mechanisms`…) and table. */
  children: { key: DumpChildKey; table: TableDef; rows: DumpRow[] }[];
}

/** What is wrong with a line (its text names the field, e.g. `mechanisms[2].functionName`). */
export class DumpLineProblem extends Error {}

/** Keys a line may hold that are not stored: what reads add. */
const READ_ONLY_KEYS = new Set(['source', 'mechanismsUsed']);

/** Parse and check one line of a dump (its text without the newline). */
export function readDumpLine(text: string): DumpRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DumpLineProblem(`not JSON (${(error as Error).message})`);
  }
  const line = asObject(parsed, 'the line');
  const runId = line.runId;
  if (line.source !== undefined && line.source !== 'active' && line.source !== 'archive') {
    throw new DumpLineProblem(
      `source is ${JSON.stringify(line.source)}: it is "active" or "archive"`,
    );
  }
  if (typeof runId !== 'string' || runId.trim() === '') {
    throw new DumpLineProblem('runId is missing: every line of a dump is one run, with its runId');
  }
  const childKeys = Object.keys(DUMP_CHILDREN);
  const run = readRow(TABLES.runs, line, '', (key) => {
    if (READ_ONLY_KEYS.has(key) || childKeys.includes(key)) return;
    throw new DumpLineProblem(
      `unknown field "${key}": a dump line holds a run's fields, extra, readIssues, source, ${childKeys.join(', ')}`,
    );
  });
  const children: DumpRecord['children'] = [];
  for (const [key, table] of Object.entries(DUMP_CHILDREN) as [DumpChildKey, TableDef][]) {
    const given = line[key];
    if (given === undefined) continue;
    if (!Array.isArray(given)) throw new DumpLineProblem(`${key} must be an array of records`);
    const rows = given.map((item, i) => {
      const at = `${key}[${i}]`;
      const row = readRow(table, asObject(item, at), `${at}.`, (field) => {
        throw new DumpLineProblem(`unknown field ${at}.${field}`);
      });
      for (const [field, column] of Object.entries(table.columns)) {
        if (column.notNull && column.primaryKey === undefined && field !== 'runId') {
          if ((row.get(column.name) ?? null) === null) {
            throw new DumpLineProblem(`${at}.${field} is required`);
          }
        }
      }
      row.set('run_id', runId);
      return row;
    });
    children.push({ key, table, rows });
  }
  return { runId, run, children };
}

/**
 * A table's row from a record of a line: known fields encoded, `extra` as is,
 * `readIssues`' raw values in place of what could not be read. `other` is told
 * of any other key (it throws for a key that has no place).
 */
function readRow(
  table: TableDef,
  record: Record<string, unknown>,
  prefix: string,
  other: (key: string) => void,
): DumpRow {
  const row: DumpRow = new Map();
  const kept: [string, SqlValue][] = [];
  const fields = table.columns as Record<string, ColumnDef>;
  const omitted = table === TABLES.runs ? [] : DUMP_OMITTED_CHILD_FIELDS;
  for (const [key, value] of Object.entries(record)) {
    const column = fields[key];
    if (column) {
      if (!omitted.includes(key)) row.set(column.name, encode(column, value, `${prefix}${key}`));
    } else if (key === 'extra') {
      for (const [name, raw] of Object.entries(asObject(value, `${prefix}extra`))) {
        // No database keeps an empty name or one with U+0000 as it is.
        if (name === '' || name.includes('\u0000')) {
          throw new DumpLineProblem(
            `${prefix}extra has a column name that is empty or holds U+0000, which no database can keep`,
          );
        }
        if (fieldIndex(table).has(name)) {
          throw new DumpLineProblem(
            `${prefix}extra.${name} is a column runmeta knows; give it as its field ${fieldIndex(table).get(name)![0]}`,
          );
        }
        row.set(name, sqlValue(raw, `${prefix}extra.${name}`));
      }
    } else if (key === 'readIssues') {
      if (!Array.isArray(value)) throw new DumpLineProblem(`${prefix}readIssues must be an array`);
      value.forEach((issue, i) => {
        const at = `${prefix}readIssues[${i}]`;
        const { column: name, raw } = asObject(issue, at);
        if (typeof name !== 'string' || !fieldIndex(table).has(name)) {
          throw new DumpLineProblem(`${at}.column must name a column of ${table.name}`);
        }
        kept.push([name, sqlValue(raw, `${at}.raw`)]);
      });
    } else {
      other(key);
    }
  }
  // The value a read could not decode is stored back as it was, whatever the field says.
  for (const [name, raw] of kept) row.set(name, raw);
  return row;
}

/** A field's value as its column stores it; refused when the column could not read it back. */
function encode(column: ColumnDef, value: unknown, at: string): SqlValue {
  if (value === null) return null;
  // A number in a numeric column is stored as it is: SQLite keeps 2.5 in an
  // INTEGER column, and a dump of such a file must load back.
  const numeric = column.sqlType === 'INTEGER' || column.sqlType === 'REAL';
  if (numeric && typeof value === 'number' && Number.isFinite(value)) return value;
  let raw: SqlValue;
  try {
    raw = column.codec.encode(value as never);
  } catch {
    throw new DumpLineProblem(`${at}: ${JSON.stringify(value)} is not a valid ${kind(column)}`);
  }
  const back =
    raw === null || column.codec.isPlain?.(raw) ? { value: raw } : column.codec.decode(raw);
  // Enum values come back case-folded; any other value comes back as it went in.
  const same =
    typeof value === 'object' ||
    (typeof back.value === typeof value && (typeof value !== 'number' || back.value === value));
  // An unknown enum value is stored as given (reads keep it too, and flag it).
  if ((back.issue && back.issue !== 'unknown_enum') || !same) {
    throw new DumpLineProblem(`${at}: ${JSON.stringify(value)} is not a valid ${kind(column)}`);
  }
  return raw;
}

/** How a column's values are described in a refusal. */
function kind(column: ColumnDef): string {
  const words: Record<string, string> = {
    TEXT: 'text value',
    TIMESTAMP: 'time (ISO-8601 text)',
    INTEGER: 'whole number',
    REAL: 'number',
    BOOLEAN: 'true or false',
  };
  return words[column.sqlType] ?? 'value';
}

/** A raw column value: text, a finite number or null (what a column holds in JSON). */
function sqlValue(value: unknown, at: string): SqlValue {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new DumpLineProblem(`${at}: ${JSON.stringify(value)} is not text, a number or null`);
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DumpLineProblem(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
