/**
 * Copying every table of one database into another, across backends: a SQLite
 * file into PostgreSQL (import), or a server's tables into a new SQLite image
 * (export). The copy is raw — every table, every column by name, every row in
 * insertion order — so a v1 database arrives as v1 and the usual migration then
 * runs on the target, with the same guarantees as on a file.
 *
 * @packageDocumentation
 */
import { insertSql } from '../columns/sql.js';
import { MigrationError } from '../errors.js';
import { interruptionPoint } from '../interrupt.js';
import { CopyOptionsSchema, ExecutorOption, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { ObservedColumn } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import { checkNames, rowChecker } from './copy-checks.js';
import type { Database, Executor } from './database.js';
import { copyKeysetPages, keyOf, keysetSelects, type RowOrder } from './keyset-pages.js';
import type { ValueKind } from './schema-introspector.js';

/** One copied table. */
export interface CopiedTable {
  table: string;
  rows: number;
  /** `column: declared type → type here`, for columns whose values decided a wider type. */
  widened: string[];
}

/** What {@link copyTables} did. */
export interface CopyReport {
  tables: CopiedTable[];
}

/** Options for {@link copyTables}. */
export interface CopyOptions {
  /** Rows per page read from the source. Default 2000. */
  pageSize?: number;
  /** Called after each page. */
  onProgress?: (table: string, done: number, total: number) => void;
  /** Stops the copy between two pages (rolling it back) with an `InterruptedError`. */
  signal?: AbortSignal;
}

/** Internal name of the insertion-order value read with each page (unless a column has it). */
const ORDER = '__runmeta_order';

/** The name of a target's insertion-order column (see `SqlDialect.rowOrderColumn`). */
const ROW_ORDER_COLUMN = '_rowid_';

/** A name for the order value that no column of the table has. */
function orderAlias(columns: readonly string[]): string {
  let alias = ORDER;
  while (columns.includes(alias)) alias += '_';
  return alias;
}

const isIntegerType = (type: string) => /INT/i.test(type);

/** Declared type on the target for one source column. */
function targetColumn(
  target: Executor,
  table: string,
  column: ObservedColumn,
  kinds: readonly ValueKind[],
  integerKey: boolean,
): { sql: string; type: string; widened: string | null } {
  const name = quoteIdent(column.name);
  if (integerKey) {
    const key = target.dialect.integerKey;
    return { sql: `${name} ${key}`, type: key, widened: null };
  }
  let type: string;
  try {
    type = target.dialect.copiedColumnType(column.type, kinds);
  } catch (error) {
    // The dialect knows the values, not where they are: say which column.
    if (!(error instanceof MigrationError)) throw error;
    const detail = error.problem.replace(/^Migration failed: /, '');
    throw new MigrationError(`${table}.${column.name}: ${detail}`, {
      cause: error,
      hint: error.hint,
    });
  }
  const parts = [name];
  if (type) parts.push(type);
  if (column.notNull) parts.push('NOT NULL');
  const plain = (t: string) => t.toLowerCase().replace(/\s+/g, ' ');
  const mixed = new Set(kinds).size > 1 || (kinds[0] === 'text' && !/CHAR|CLOB|TEXT/i.test(type));
  return {
    sql: parts.join(' '),
    type,
    widened:
      mixed && plain(type) !== plain(column.type)
        ? `${column.name}: ${column.type || '(none)'} → ${type}`
        : null,
  };
}

/**
 * Copy every table of `source` into `target` (which must not have them yet), in
 * one transaction on the target, and verify the row counts. Column types follow
 * the target's dialect; a single integer primary key stays a key whose next
 * generated value follows the copied ones; other keys and NOT NULL are kept.
 * Defaults and secondary indexes are not copied (runmeta's own are recreated by
 * the migration or repair that runs next).
 */
export async function copyTables(
  source: Database,
  target: Database,
  given: CopyOptions = {},
): Promise<CopyReport> {
  parseInput(ExecutorOption, source, 'source');
  parseInput(ExecutorOption, target, 'target');
  const options = parseOptions(CopyOptionsSchema, given) as CopyOptions;
  const pageSize = options.pageSize ?? 2000;
  const pause = interruptionPoint(options.signal);
  const observed = await source.dialect.observeSchema(source);
  const report: CopyReport = { tables: [] };
  const plans: {
    table: string;
    columns: string[];
    types: string[];
    order: string | null;
    /** Whether the target table has a hidden order column to fill. */
    hiddenOrder: boolean;
    total: number;
  }[] = [];
  const ddl: { table: string; sql: string }[] = [];
  for (const [table, columns] of Object.entries(observed.tables)) {
    if (table === 'sqlite_sequence') continue;
    const names = columns.map((c) => c.name);
    checkNames(target.dialect, table, names);
    const kinds = await source.dialect.valueKinds(source, table, columns);
    const keys = columns.filter((c) => c.primaryKey);
    const integerKey =
      keys.length === 1 &&
      isIntegerType(keys[0]!.type) &&
      !(kinds[columns.indexOf(keys[0]!)] ?? []).some((k) => k !== 'integer')
        ? keys[0]!
        : null;
    const lines: string[] = [];
    const types: string[] = [];
    const widened: string[] = [];
    columns.forEach((column, i) => {
      const made = targetColumn(target, table, column, kinds[i] ?? [], column === integerKey);
      lines.push(made.sql);
      types.push(made.type);
      if (made.widened) widened.push(made.widened);
    });
    if (keys.length && !integerKey)
      lines.push(`PRIMARY KEY (${keys.map((k) => quoteIdent(k.name)).join(', ')})`);
    // A column of the table's own named _rowid_ stays what it is, and is the
    // table's _rowid_ there as it is in SQLite (where it hides the row number).
    const hiddenOrder = !!target.dialect.rowOrderColumn && !names.includes(ROW_ORDER_COLUMN);
    if (hiddenOrder) lines.push(target.dialect.rowOrderColumn!);
    ddl.push({ table, sql: `CREATE TABLE ${quoteIdent(table)} (\n  ${lines.join(',\n  ')}\n)` });
    const [row] = await source.all(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    plans.push({
      table,
      columns: names,
      types,
      order: await source.dialect.rowOrder(source, table),
      hiddenOrder,
      total: Number(row?.n ?? 0),
    });
    report.tables.push({ table, rows: 0, widened });
  }

  await target.transaction(async (tx) => {
    // Longer names first: a server names a table's implicit objects after it
    // (`runs_pkey`, `notes__rowid__seq`), skipping names already taken, so a table
    // named like one of them (`runs_pkey`) must exist before the table it follows.
    const byLength = [...ddl].sort((a, b) => b.table.length - a.table.length);
    for (const { sql } of byLength) await tx.run(sql);
    for (const [index, plan] of plans.entries()) {
      // A target with an explicit order column (PostgreSQL's _rowid_) gets the source's
      // order values; SQLite numbers rows itself, in the order they are inserted.
      const withOrder = plan.order !== null && plan.hiddenOrder;
      const insertColumns = [...plan.columns, ...(withOrder ? [ROW_ORDER_COLUMN] : [])];
      const insert = insertSql(plan.table, insertColumns);
      const list = plan.columns.map(quoteIdent).join(', ');
      const from = quoteIdent(plan.table);
      const alias = orderAlias(plan.columns);
      // The dialect's insertion order is one expression, read under an alias no column has.
      const order: RowOrder | null = plan.order
        ? { key: [plan.order], rowid: true, aliases: [alias] }
        : null;
      const reads = order && keysetSelects(order, list, from);
      const check = rowChecker(
        source,
        tx.dialect,
        plan.table,
        plan.columns.map((name, i) => ({ name, type: plan.types[i]! })),
      );
      const copied = await copyKeysetPages({
        // Without an order to page by, the table is read in one go.
        source: {
          read: (after) =>
            !reads
              ? source.all(`SELECT ${list} FROM ${from}`)
              : after === null
                ? source.all(reads.first, [pageSize])
                : source.all(reads.next, [...after, pageSize]),
          keyOf: order && ((row) => keyOf(order, row)),
          pageSize,
        },
        target: tx,
        insert,
        params: (r) => [
          ...plan.columns.map((c) => r[c] ?? null),
          ...(withOrder ? [r[alias] ?? null] : []),
        ],
        check: async (rows, before) => {
          for (const [i, r] of rows.entries()) {
            await check(
              r,
              plan.order ? `the row with rowid ${String(r[alias])}` : `row ${before + i + 1}`,
            );
          }
        },
        onPage: (done) => options.onProgress?.(plan.table, done, plan.total),
        pause,
      });
      await tx.dialect.afterCopy?.(tx, plan.table);
      const [row] = await tx.all(`SELECT count(*) AS n FROM ${quoteIdent(plan.table)}`);
      const found = Number(row?.n ?? 0);
      if (copied !== plan.total || found !== plan.total) {
        throw new MigrationError(
          `copying ${plan.table}: the source has ${plan.total} rows, ${found} arrived; nothing was copied`,
        );
      }
      report.tables[index]!.rows = found;
    }
  });
  return report;
}
