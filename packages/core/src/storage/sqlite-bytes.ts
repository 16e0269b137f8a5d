/** The 16-byte header every SQLite database file starts with. */
const MAGIC = 'SQLite format 3\u0000';

/** Whether bytes start like a SQLite database file (an empty file counts as a new database). */
export function looksLikeSqlite(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (bytes.length < 100) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

/**
 * In-memory engines (sqlite3_deserialize, sql.js) cannot open a file whose header
 * says WAL mode (bytes 18–19 = 2). Only the main file's bytes are at hand — any
 * WAL content is not — so marking the copy as rollback-journal (1) loses nothing
 * and lets it open. The caller's bytes are never modified.
 */
export function withoutWalHeader(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 100 || (bytes[18] !== 2 && bytes[19] !== 2) || !looksLikeSqlite(bytes))
    return bytes;
  const copy = bytes.slice();
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}
