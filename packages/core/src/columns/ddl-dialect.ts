/**
 * The part of a backend's SQL dialect that DDL needs: how runmeta's own tables
 * are declared (column types, the auto-increment key, foreign keys, a hidden
 * insertion-order column). Columns build `CREATE TABLE` from it alone, so they
 * need nothing from storage.
 *
 * @packageDocumentation
 */
import type { SqlType } from '../sql/sql-type.js';

/** How a backend declares runmeta's tables. */
export interface DdlDialect {
  /** The declared type of a registry column. */
  columnType(type: SqlType): string;
  /** The full column clause of an auto-increment integer key (after the column name). */
  readonly autoincrementKey: string;
  /**
   * Whether `CREATE TABLE` declares foreign keys. SQLite declares them but does not
   * enforce them by default, and legacy files hold orphan child rows that a
   * migration must carry over; a server that always enforces them leaves them out
   * (the manager checks that a run exists before writing its children).
   */
  readonly foreignKeys: boolean;
  /**
   * A column clause appended to every table runmeta creates, holding insertion
   * order under the name `_rowid_` (SQLite has it implicitly: null).
   */
  readonly rowOrderColumn: string | null;
  /**
   * Whether a v2 column of registry type `type` could refuse a value of a source
   * column declared `sourceType` (a server checks every value against its
   * column's type; SQLite keeps any value anywhere, so it never refuses). When it
   * could, carry-over declares the v2 column with the source's type instead, so
   * no row is refused; reads stay lenient either way.
   */
  mayRefuse?(type: SqlType, sourceType: string): boolean;
}
