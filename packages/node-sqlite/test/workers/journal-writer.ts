/**
 * A legacy (rollback-journal) writer that dies mid-transaction: it updates every
 * run of a v1 file inside an open transaction, says `mid-transaction`, and waits
 * to be killed. With `spill`, a tiny page cache forces SQLite to sync the
 * journal and write changed pages into the database file before the kill (a hot
 * journal); without it, only an unsynced journal exists (the file is untouched).
 */
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { input, main, print, sleepForever } from './worker-support.js';

const { file, spill } = input<{ file: string; spill: boolean }>();

main(async () => {
  const db = new BetterSqlite3(file);
  (globalThis as { db?: unknown }).db = db; // the connection must stay open until the kill
  if (spill) db.pragma('cache_size = 2');
  db.exec('BEGIN IMMEDIATE');
  db.exec("UPDATE runs SET template_id = 'half_written', cost_usd = -1");
  print({
    event: 'mid-transaction',
    journalMode: db.pragma('journal_mode', { simple: true }),
    journalBytes: fs.statSync(`${file}-journal`).size,
  });
  sleepForever();
  await new Promise(() => {});
});
