/**
 * `pnpm bench`: each workload runs the raw better-sqlite3 baseline and runmeta in
 * this process, alternating, and prints one table of medians. Nothing is written
 * outside temp folders.
 *
 *   node --conditions=@runmeta/source --import tsx bench/run.ts [--quick] [--only W1]
 */

import { createRequire } from 'node:module';
import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { formatTable, parseArgs, passes, type ResultRow, removeDir, selected } from './lib.js';
import { benchOpenSizes } from './open-size.js';
import { benchWrite } from './w1-write.js';
import { benchRead } from './w2-read.js';
import {
  benchArchive,
  benchCarryOver,
  makeV1File,
  V1_CHILD_ROWS,
  type V1File,
} from './w3-migrate.js';

const options = parseArgs(process.argv.slice(2));
const sizes = options.quick
  ? { w1: 1_000, w2: 10_000, w3: 100_000, w3small: 10_000 }
  : { w1: 10_000, w2: 100_000, w3: 1_000_000, w3small: 100_000 };
const log = (line: string) => console.log(line);

function machine(): string {
  const require = createRequire(import.meta.url);
  const driver = (require('better-sqlite3/package.json') as { version: string }).version;
  const memory = new BetterSqlite3(':memory:');
  const sqlite = memory.prepare('SELECT sqlite_version()').pluck().get() as string;
  memory.close();
  return [
    `node ${process.version}`,
    `nproc ${os.availableParallelism()}`,
    `${os.cpus()[0]?.model ?? 'cpu?'}`,
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `better-sqlite3 ${driver} (SQLite ${sqlite})`,
    `${os.platform()} ${os.release()}`,
    `tmp ${os.tmpdir()}`,
  ].join(' | ');
}

async function main(): Promise<void> {
  log(`runmeta node-sqlite bench${options.quick ? ' (--quick)' : ''}`);
  log(machine());
  const rows: ResultRow[] = [];
  const notes: string[] = [];

  if (selected(options, 'W1')) {
    log(
      `\nW1 write: ${sizes.w1.toLocaleString('en')} runs × (40 mech + 10 res + 3 val) + complete`,
    );
    rows.push(await benchWrite(sizes.w1, 5, log));
    notes.push(
      'W1: both sides use 3 write transactions per run (BEGIN IMMEDIATE…COMMIT): start (INSERT ' +
        'run), batch (53 child INSERTs + updated_at touch), complete (UPDATE with computed ' +
        'metrics); file db, WAL, synchronous=NORMAL, foreign_keys=ON; open/DDL/close untimed.',
    );
  }

  if (selected(options, 'W2')) {
    log(
      `\nW2 read: getAllRuns({ withMechanisms: true }) over ${sizes.w2.toLocaleString('en')} runs`,
    );
    rows.push(await benchRead(sizes.w2, 5, log));
    notes.push(
      'W2: 5 mechanism rows per run (M1..M17, M1+M17); open untimed, warm page cache; baseline = ' +
        'SELECT all 27 columns ORDER BY created_at, run_id + GROUP BY mechanisms query + objects.',
    );
  }

  if (selected(options, 'O')) {
    log('\nO open: MetadataManager.open + close of a WAL-mode v2 file, by size');
    rows.push(...(await benchOpenSizes(options.quick ? [1, 18] : [1, 18, 500], 9, log)));
    notes.push(
      'O: a v2 file built raw (as W2), WAL mode with no -wal beside it; both sides open, read ' +
        'the schema and close; flat means the same time at every size (before: a WAL-mode file ' +
        'up to 16 MB was read whole first, about 0.2 s for 10 MB).',
    );
  }

  const w3a = selected(options, 'W3A');
  const w3b = selected(options, 'W3B');
  if (w3a || w3b) {
    const sources: V1File[] = [];
    try {
      log(`\nW3 migrate v1 (${V1_CHILD_ROWS})`);
      const big = await makeV1File(sizes.w3, log);
      sources.push(big);
      if (w3a) {
        const small = await makeV1File(sizes.w3small, log);
        sources.push(small);
        for (const source of [big, small]) {
          log(`  W3a archive, ${source.runs.toLocaleString('en')} runs`);
          const { row, steps } = await benchArchive(source, 5, log);
          rows.push(row);
          notes.push(`${row.workload}: ${steps}`);
        }
      }
      if (w3b) {
        log(`  W3b carry-over vs VACUUM INTO, ${big.runs.toLocaleString('en')} runs`);
        const { row, steps } = await benchCarryOver(big, 3, log);
        rows.push(row);
        notes.push(`${row.workload}: ${steps}`);
      }
      notes.push(
        'W3: a fresh copy of the generated file per repetition (copyFileSync + fsync, untimed; ' +
          'page cache warm); runmeta time = MetadataManager.open(); VACUUM INTO time = open + ' +
          'VACUUM INTO + close.',
      );
    } finally {
      for (const source of sources) removeDir(source.dir);
    }
  }

  if (rows.length === 0) throw new Error(`--only ${options.only?.join(',')} matches no workload`);
  log(`\n${formatTable(rows)}\n`);
  for (const note of notes) log(note);
  const failed = rows.filter((row) => !passes(row)).length;
  log(`\n${rows.length - failed} PASS, ${failed} FAIL`);
}

await main();
