/**
 * Create a documented v1 database, switch it to WAL, insert runs with automatic
 * checkpoints off, say `written`, and stay alive with the connection open until
 * killed: every run then exists only in the -wal file.
 */
import { schemaDdl } from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { input, main, print, sleepForever } from './worker-support.js';

const { file, runs } = input<{ file: string; runs: number }>();

main(async () => {
  const db = new BetterSqlite3(file);
  for (const sql of schemaDdl('v1')) db.exec(sql);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  db.pragma('wal_autocheckpoint = 0');
  const insertRun = db.prepare(
    `INSERT INTO runs (run_id, template_id, created_at, updated_at, causal_mode, entities_created,
       timepoints_created, cost_usd, tokens_used, status)
     VALUES (?, 'wal_template', ?, ?, 'forward', 3, 2, 0.5, 1234, 'completed')`,
  );
  const insertMechanism = db.prepare(
    `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp)
     VALUES (?, 'M1', 'wal_step', ?)`,
  );
  for (let i = 0; i < runs; i++) {
    // One transaction per run, as a pipeline would commit them.
    db.transaction(() => {
      const id = `wal_run_${String(i).padStart(4, '0')}`;
      const at = new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString();
      insertRun.run(id, at, at);
      insertMechanism.run(id, at);
    })();
  }
  print({ event: 'written', mode });
  sleepForever();
  await new Promise(() => {});
});
