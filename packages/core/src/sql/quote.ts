/**
 * Quoting for the few places SQL text is built from names. Values never pass
 * through here: they always travel as `?` parameters.
 */

/** Quote an SQL identifier: `my "col"` → `"my ""col"""`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a text literal (only for DDL defaults and PRAGMA arguments, never for values). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
