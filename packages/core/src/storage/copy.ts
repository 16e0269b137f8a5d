/**
 * Copying every table of one database into another, across backends: a SQLite
 * file into PostgreSQL (import), or a server's tables into a new SQLite image
 * (export). The copy is raw — every table, every column by name, every row in
 * insertion order — so a v1 database arrives as v1 and the usual migration then
 * runs on the target, with the same guarantees as on a file.
 *
 * @packageDocumentation
 */
import { quoteIdent } from '../columns/quote.js';
import { insertSql } from '../columns/sql.js';
import { MigrationError } from '../errors.js';
import { interruptionPoint } from '../interrupt.js';
import { type ObservedColumn, observeSchema } from '../migrate/observe.js';
import { CopyOptionsSchema, ExecutorOption, parseOptions } from '../schema/options.js';
import { illFormedStoredText } from '../schema/text.js';
import { parseInput } from '../schema/validate.js';
import type { Row, SqlValue } from './adapter.js';
import type { Database, Executor } from './database.js';
import type { ValueKind } from './dialect.js';

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

/** Internal name of the insertion-order value read with each page. */
const ORDER = '__runmeta_order';

const isIntegerType = (type: string) => /INT/i.test(type);

/** Declared type on the target for one source column. */
function targetColumn(
  target: Executor,
  column: ObservedColumn,
  kinds: readonly ValueKind[],
  integerKey: boolean,
): { sql: string; widened: string | null } {
  const name = quoteIdent(column.name);
  if (integerKey) return { sql: `${name} ${target.dialect.integerKey}`, widened: null };
  const type = target.dialect.copiedColumnType(column.type, kinds);
  const parts = [name];
  if (type) parts.push(type);
  if (column.notNull) parts.push('NOT NULL');
  const plain = (t: string) => t.toLowerCase().replace(/\s+/g, ' ');
  const mixed = new Set(kinds).size > 1 || (kinds[0] === 'text' && !/CHAR|CLOB|TEXT/i.test(type));
  return {
    sql: parts.join(' '),
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
  const observed = await observeSchema(source);
  const report: CopyReport = { tables: [] };
  const plans: {
    table: string;
    columns: string[];
    order: string | null;
    total: number;
  }[] = [];
  const ddl: string[] = [];
  for (const [table, columns] of Object.entries(observed.tables)) {
    if (table === 'sqlite_sequence') continue;
    const names = columns.map((c) => c.name);
    const kinds = await source.dialect.valueKinds(source, table, columns);
    const keys = columns.filter((c) => c.primaryKey);
    const integerKey =
      keys.length === 1 &&
      isIntegerType(keys[0]!.type) &&
      !(kinds[columns.indexOf(keys[0]!)] ?? []).some((k) => k !== 'integer')
        ? keys[0]!
        : null;
    const lines: string[] = [];
    const widened: string[] = [];
    columns.forEach((column, i) => {
      const made = targetColumn(target, column, kinds[i] ?? [], column === integerKey);
      lines.push(made.sql);
      if (made.widened) widened.push(made.widened);
    });
    if (keys.length && !integerKey)
      lines.push(`PRIMARY KEY (${keys.map((k) => quoteIdent(k.name)).join(', ')})`);
    if (target.dialect.rowOrderColumn) lines.push(target.dialect.rowOrderColumn);
    ddl.push(`CREATE TABLE ${quoteIdent(table)} (\n  ${lines.join(',\n  ')}\n)`);
    const [row] = await source.all(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    plans.push({
      table,
      columns: names,
      order: await source.dialect.rowOrder(source, table),
      total: Number(row?.n ?? 0),
    });
    report.tables.push({ table, rows: 0, widened });
  }

  await target.transaction(async (tx) => {
    for (const sql of ddl) await tx.run(sql);
    for (const [index, plan] of plans.entries()) {
      // A target with an explicit order column (PostgreSQL's _rowid_) gets the source's
      // order values; SQLite numbers rows itself, in the order they are inserted.
      const withOrder = plan.order !== null && !!tx.dialect.rowOrderColumn;
      const insertColumns = [...plan.columns, ...(withOrder ? ['_rowid_'] : [])];
      const insert = insertSql(plan.table, insertColumns);
      const list = plan.columns.map(quoteIdent).join(', ');
      let copied = 0;
      let last: SqlValue = null;
      for (;;) {
        const rows: Row[] = plan.order
          ? await source.all(
              `SELECT ${plan.order} AS ${quoteIdent(ORDER)}, ${list} FROM ${quoteIdent(plan.table)}${last === null ? '' : ` WHERE ${plan.order} > ?`} ORDER BY ${plan.order} LIMIT ?`,
              last === null ? [pageSize] : [last, pageSize],
            )
          : await source.all(`SELECT ${list} FROM ${quoteIdent(plan.table)}`);
        if (rows.length === 0) break;
        // Bytes that are not UTF-8 would arrive as U+FFFD: refused, not changed.
        if (source.dialect.name === 'sqlite') {
          const order = plan.order ? { expression: plan.order, key: ORDER } : null;
          const ill = await illFormedStoredText(source, plan.table, rows, order);
          if (ill) throw ill;
        }
        await tx.runMany(
          insert,
          rows.map((r) => [
            ...plan.columns.map((c) => r[c] ?? null),
            ...(withOrder ? [r[ORDER] ?? null] : []),
          ]),
        );
        copied += rows.length;
        options.onProgress?.(plan.table, copied, plan.total);
        await pause();
        if (!plan.order || rows.length < pageSize) break;
        last = rows[rows.length - 1]![ORDER] ?? null;
      }
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
