/**
 * The part of a backend's SQL dialect that copying rows in needs: whole
 * databases between backends (import and export) and legacy rows during a
 * migration.
 */
import type { StatementExecutor } from '../sql/statement-executor.js';
import type { SqlValue } from '../sql/values.js';
import type { ValueKind } from './schema-introspector.js';

/** How a backend receives copied tables and rows. */
export interface CopyDialect {
  /**
   * The column clause (after the name) of a single integer primary key whose
   * values are copied as they are and continue from the highest one.
   */
  readonly integerKey: string;
  /**
   * The type a copied column is declared with here, given its declared type in the
   * source and the kinds of value it actually holds (SQLite columns may hold any
   * kind, so the values decide, and a column is widened rather than lose a value).
   */
  copiedColumnType(declared: string, kinds: readonly ValueKind[]): string;
  /**
   * Why a copied table or column cannot keep its name here (too long, reserved),
   * or null when it can. A server that would silently change a name (PostgreSQL
   * cuts names at 63 bytes) must refuse it instead. Optional: SQLite keeps any name.
   */
  nameProblem?(name: string, kind: 'table' | 'column'): string | null;
  /**
   * Why a copied value cannot be stored as it is in a column declared `type` here
   * (PostgreSQL text cannot hold U+0000), or null when it can. Optional.
   */
  valueProblem?(value: SqlValue, type: string): string | null;
  /**
   * Prepare a connection for a bulk copy of legacy rows (SQLite: foreign keys off,
   * since legacy files hold orphans). Optional.
   */
  beforeBulkCopy?(db: StatementExecutor): Promise<void>;
  /** After rows were copied with explicit keys: make generated keys continue after them. */
  afterCopy?(db: StatementExecutor, table: string): Promise<void>;
}

/** Keep a declared type only when it is a plain type name (`VARCHAR(11)`); otherwise none. */
export function plainTypeName(type: string): string {
  return /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/.test(type.trim())
    ? type.trim()
    : '';
}
