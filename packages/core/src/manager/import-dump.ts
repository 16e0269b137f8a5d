/**
 * Importing a runmeta dump (JSON lines, one run each, as `iterateRuns` reads
 * them with `withChildren`) into an open database, appending to what it holds.
 *
 * Two passes over the input: the first reads and checks every line and works out
 * which columns the runs need that the database lacks, so a bad line is refused
 * before anything is written; the second adds those columns and writes every
 * run and its child records in one transaction. An import therefore lands whole
 * or not at all, and memory holds one line at a time, whatever the dump's size.
 *
 * @packageDocumentation
 */
import type { ColumnDef, TableDef } from '../columns/registry.js';
import { TABLES } from '../columns/registry.js';
import { fieldIndex } from '../columns/rows.js';
import { columnDefinitionSql, insertSql } from '../columns/sql.js';
import { InterruptedError, RunmetaError } from '../errors.js';
import { InputLineProblem, inputLines } from '../input-lines.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';
import type { Executor } from '../storage/database.js';
import type { ValueKind } from '../storage/schema-introspector.js';
import type { ManagerContext } from './context.js';
import { DumpLineProblem, type DumpRecord, readDumpLine } from './dump-records.js';
import { ImportLineError } from './import-line-error.js';
import { runExists } from './run-sql.js';

/** Options of `MetadataManager.importRuns`. */
export interface ImportRunsOptions {
  /** Leave out runs whose id the database holds already (default: refuse the import). */
  skipExisting?: boolean;
  /**
   * Only check: read every line and look up every run id, and say what an import
   * would do, writing nothing (a read-only manager takes it too).
   */
  dryRun?: boolean;
  /** Stops the import between lines; nothing is imported (the transaction rolls back). */
  signal?: AbortSignal;
  /** Told how many lines each pass has read so far (every 1,000 lines). */
  onProgress?: (progress: { step: 'checking' | 'importing'; lines: number }) => void;
}

/** What an import did. */
export interface ImportRunsResult {
  /** Runs written. */
  runs: number;
  /** Runs left out because the database held their id (`skipExisting`). */
  skipped: number;
  /** Child rows written, per dump key. */
  rows: { mechanisms: number; resolutions: number; validations: number };
  /** Columns the import added, as `table.column`. */
  addedColumns: string[];
}

/** The input of an import, opened once per pass. */
export type DumpInput = () => AsyncIterable<string | Uint8Array>;

/** A column the dump's runs have and the database lacks. */
interface MissingColumn {
  table: TableDef;
  name: string;
  known: ColumnDef | undefined;
  /** The first line that holds it. */
  firstLine: number;
  /** The kinds of value it holds, each with the first line that holds one. */
  kinds: Map<ValueKind, number>;
}

const PROGRESS_EVERY = 1000;
/** Longest dump line taken: a run with a few hundred thousand events still fits. */
const MAX_DUMP_LINE_BYTES = 256 * 1024 * 1024;

/** Import the dump `input` into the database of `context` (see the module comment). */
export async function importRuns(
  context: ManagerContext,
  input: DumpInput,
  options: ImportRunsOptions = {},
): Promise<ImportRunsResult> {
  const missing = new Map<string, MissingColumn>();
  const checked = emptyResult();
  // Run ids seen so far: a run twice in one dump is refused before anything is written.
  const seen = new Set<string>();
  await eachRecord(input, options, 'checking', async (record, line) => {
    if (seen.has(record.runId)) {
      throw new ImportLineError(
        line,
        `run ${record.runId} is in the dump twice (an earlier line holds it too)`,
      );
    }
    seen.add(record.runId);
    if (await isHeld(context.db, record, line, options)) {
      checked.skipped++;
      return;
    }
    // Only the runs that will be written decide which columns are added.
    for (const { table, row } of rowsOf(record)) noteMissing(context, missing, table, row, line);
    count(checked, record);
  });
  seen.clear();
  const { columns, db } = context;
  if (options.dryRun) {
    for (const column of missing.values()) declaration(db, column);
    checked.addedColumns = [...missing.keys()];
    return checked;
  }
  const result = await columns.write(db, async (tx) => {
    const result = emptyResult();
    for (const [name, column] of missing) {
      await columns.addDeclaredColumn(tx, column.table.name, column.name, declaration(tx, column));
      result.addedColumns.push(name);
    }
    // Looked up again: another writer may have added a run since the check.
    await eachRecord(input, options, 'importing', async (record, line) => {
      if (await isHeld(tx, record, line, options)) {
        result.skipped++;
        return;
      }
      await writeRecord(tx, record, line);
      count(result, record);
    });
    return result;
  });
  // Reads after the import (a dump of its child tables) see the columns it added.
  if (missing.size) await columns.refresh(db);
  return result;
}

function emptyResult(): ImportRunsResult {
  return {
    runs: 0,
    skipped: 0,
    rows: { mechanisms: 0, resolutions: 0, validations: 0 },
    addedColumns: [],
  };
}

/** Count a record's run and child rows as imported. */
function count(result: ImportRunsResult, record: DumpRecord): void {
  result.runs++;
  for (const { key, rows } of record.children) result.rows[key] += rows.length;
}

/** Whether the database holds the record's run: true to skip it, a refusal unless `skipExisting`. */
async function isHeld(
  db: Executor,
  record: DumpRecord,
  line: number,
  options: ImportRunsOptions,
): Promise<boolean> {
  if (!(await runExists(db, record.runId))) return false;
  if (options.skipExisting) return true;
  throw new ImportLineError(line, `run ${record.runId} exists already in the database`, {
    hint: 'Pass skipExisting: true to leave out the runs it holds',
    cliHint: 'Pass --skip-existing to leave out the runs it holds',
  });
}

/** Read every line of `input` as a dump record and hand it to `each`, with its line number. */
async function eachRecord(
  input: DumpInput,
  options: ImportRunsOptions,
  step: 'checking' | 'importing',
  each: (record: DumpRecord, line: number) => void | Promise<void>,
): Promise<void> {
  let read = 0;
  try {
    for await (const lines of inputLines(input(), MAX_DUMP_LINE_BYTES, 'run')) {
      for (const { number, text } of lines) {
        if (text.trim() === '') continue;
        let record: DumpRecord;
        try {
          record = readDumpLine(text);
        } catch (error) {
          if (error instanceof DumpLineProblem) throw new ImportLineError(number, error.message);
          throw error;
        }
        await each(record, number);
        if (++read % PROGRESS_EVERY === 0) {
          options.onProgress?.({ step, lines: read });
          if (options.signal?.aborted) {
            throw new InterruptedError(
              `interrupted at line ${number}; nothing was imported`,
              options.signal.reason,
            );
          }
        }
      }
    }
  } catch (error) {
    if (error instanceof InputLineProblem) throw new ImportLineError(error.line, error.problem);
    throw error;
  }
}

/** Every row of a record, with its table: the run's first. */
function rowsOf(record: DumpRecord): { table: TableDef; row: Map<string, SqlValue> }[] {
  return [
    { table: TABLES.runs, row: record.run },
    ...record.children.flatMap(({ table, rows }) => rows.map((row) => ({ table, row }))),
  ];
}

/** Note the columns of `row` that `table` lacks in the database, and the kinds of value they hold. */
function noteMissing(
  context: ManagerContext,
  missing: Map<string, MissingColumn>,
  table: TableDef,
  row: Map<string, SqlValue>,
  line: number,
): void {
  const present = context.columns.of(table.name);
  for (const [name, value] of row) {
    if (present.includes(name)) continue;
    const key = `${table.name}.${name}`;
    let column = missing.get(key);
    if (!column) {
      refuseCaseTwin(name, [...present, ...[...missing.values()].map((c) => c.name)], table, line);
      const known = fieldIndex(table).get(name)?.[1];
      column = { table, name, known, firstLine: line, kinds: new Map() };
      missing.set(key, column);
    }
    const kind = kindOf(value);
    if (kind && !column.kinds.has(kind)) column.kinds.set(kind, line);
  }
}

/**
 * Refuse a new column whose name differs from another only in case: SQLite takes
 * them as one name (the second could not be added), and a server that keeps both
 * would make a dump no SQLite file can take back.
 */
function refuseCaseTwin(name: string, others: readonly string[], table: TableDef, line: number) {
  const twin = others.find((other) => other.toLowerCase() === name.toLowerCase());
  if (twin === undefined) return;
  throw new ImportLineError(
    line,
    `column ${table.name}.${name} differs from the column ${twin} only in case, and SQLite takes them as one name`,
    { hint: 'Rename one of them in the dump' },
  );
}

function kindOf(value: SqlValue): ValueKind | null {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  return null;
}

/**
 * How a missing column is declared: a known one as the registry says; another
 * as the backend declares a copied column holding the kinds of value the dump
 * holds in it (`CopyDialect.copiedColumnType`: SQLite declares no type and keeps
 * every value as it is). A server would store text and numbers of one column all
 * as text, which would change the numbers: such a column is refused, naming the
 * lines, as is a name the server would cut short.
 */
function declaration(db: Executor, column: MissingColumn): string {
  if (column.known) return columnDefinitionSql({ ...column.known, notNull: false }, db.dialect);
  const where = `column ${column.table.name}.${column.name}`;
  const nameProblem = db.dialect.nameProblem?.(column.name, 'column');
  if (nameProblem) throw new ImportLineError(column.firstLine, `${where}: ${nameProblem}`);
  const { kinds } = column;
  const text = kinds.get('text');
  const number = kinds.get('integer') ?? kinds.get('real');
  if (db.dialect.mayRefuse && text !== undefined && number !== undefined) {
    throw new ImportLineError(
      Math.max(text, number),
      `${where} holds text on line ${text} and a number on line ${number}; this database keeps one type per column, so the numbers would come back as text`,
      {
        hint: 'Make the values of that column one kind in the dump, or import it into a SQLite file',
      },
    );
  }
  const type = db.dialect.copiedColumnType('', [...kinds.keys()]);
  return type ? `${quoteIdent(column.name)} ${type}` : quoteIdent(column.name);
}

/** Write one run and its child rows; a refusal by the database names the line. */
async function writeRecord(tx: Executor, record: DumpRecord, line: number): Promise<void> {
  try {
    await tx.run(insertSql('runs', [...record.run.keys()]), [...record.run.values()]);
    for (const { table, rows } of record.children) {
      // Rows with the same columns (every row, in a dump) go in one prepared statement.
      let group: Map<string, SqlValue>[] = [];
      const flush = async () => {
        if (group.length === 0) return;
        await tx.runMany(
          insertSql(table.name, [...group[0]!.keys()]),
          group.map((row) => [...row.values()]),
        );
        group = [];
      };
      for (const row of rows) {
        if (group.length && !sameColumns(group[0]!, row)) await flush();
        group.push(row);
      }
      await flush();
    }
  } catch (error) {
    // A database problem (locked, read-only, unreachable: exit 3) or a stop stays
    // what it is; a value the database refused is this line's problem.
    if (error instanceof RunmetaError && error.exitCode !== 1 && error.exitCode !== 2) throw error;
    const why = error instanceof RunmetaError ? error.problem : (error as Error).message;
    throw new ImportLineError(line, `the database refused run ${record.runId}: ${why}`, {
      cause: error,
    });
  }
}

function sameColumns(a: Map<string, SqlValue>, b: Map<string, SqlValue>): boolean {
  if (a.size !== b.size) return false;
  for (const name of a.keys()) if (!b.has(name)) return false;
  return true;
}
