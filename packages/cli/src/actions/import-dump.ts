/**
 * `runmeta import --from <dump.jsonl>`: a dump's runs appended to the target
 * database (created as v2 when it does not exist), in one transaction. The
 * checking and the writing are core's (`MetadataManager.importRuns`); this picks
 * the target, words the result and turns Ctrl-C into a clean stop.
 */
import fs from 'node:fs';
import { type ImportRunsResult, InterruptedError, type MetadataManager } from '@runmeta/core';
import { looksLikeSqlite } from '@runmeta/core/adapter';
import { openRunDatabase } from '@runmeta/node-sqlite';

import { refuseImportingIntoV1 } from '../archive-words.js';
import { CliContext, isV1 } from '../context.js';
import { catchInterrupts } from '../interrupt.js';
import { CliUsageError } from '../usage-error.js';

/** What `looksLikeSqlite` needs to see of a file: its 100-byte header. */
const SQLITE_HEADER_BYTES = 100;

/**
 * Whether `file` is a dump rather than a SQLite database: anything that does not
 * start with SQLite's header, so an empty file or a text file is read as lines
 * (and a line that is not a run is refused, naming it). A file that cannot be
 * read is left to the database copy, which names the reason.
 */
export function isDump(file: string): boolean {
  const head = Buffer.alloc(SQLITE_HEADER_BYTES);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const read = fs.readSync(fd, head, 0, head.length, 0);
    // An empty file is a dump of no runs here (to SQLite it would be a new database).
    return read === 0 || !looksLikeSqlite(head.subarray(0, read));
  } catch {
    // Unreadable: the copy of a database file says why (exit 3, naming the file).
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Import the dump `file` into --to (default --db) and report what was imported. */
export async function importDump(
  ctx: CliContext,
  file: string,
  options: Record<string, unknown>,
): Promise<number> {
  if (file === '-') {
    throw new CliUsageError(
      `--from ${file}: a dump is read twice (every line is checked before any is written), so it must be a file; save it first (runmeta export --children --out dump.jsonl)`,
    );
  }
  if (options.replace || options.backfill || options.strategy === 'carry-over') {
    throw new CliUsageError(
      `--replace, --strategy and --backfill are for copying a SQLite file, and --from ${file} is a dump (JSON lines): its runs are appended to the target as they are. To start from an empty database, give --to a new file`,
    );
  }
  const target = options.to
    ? new CliContext(ctx.streams, { ...ctx.global, db: String(options.to) })
    : ctx;
  const { location } = target;
  const exists = await location.adapter().exists(location.database);
  // One handler for the whole command: Ctrl-C between the passes stops it too.
  const { signal, dispose } = catchInterrupts();
  const stopped = () => {
    if (signal.aborted) {
      throw new InterruptedError(
        `interrupted; nothing was imported into ${location.display}`,
        signal.reason,
      );
    }
  };
  const importFrom = async (manager: MetadataManager, dryRun: boolean) => {
    const progress = ctx.progress(dryRun ? 'checking' : 'import');
    try {
      return await manager.importRuns(() => fs.createReadStream(file), {
        skipExisting: !!options.skipExisting,
        dryRun,
        signal,
        onProgress: ({ step, lines }) =>
          progress.update({
            step: step === 'checking' ? 'checking line' : 'writing line',
            done: lines,
          }),
      });
    } finally {
      progress.done();
    }
  };
  let result: ImportRunsResult | null = null;
  try {
    // Checked first on a read-only connection, so a dump that would be refused
    // never gets as far as opening the database for writing (which may repair it).
    // A database that does not exist yet is checked against an empty one in memory.
    const checker = exists
      ? await target.open({ write: false })
      : options.dryRun
        ? await openRunDatabase(':memory:')
        : null;
    const refuseV1 = refuseImportingIntoV1(location.display);
    if (checker && isV1(checker.detection.kind)) {
      await checker.close();
      throw await refuseV1();
    }
    if (checker) {
      try {
        result = await importFrom(checker, true);
      } finally {
        await checker.close();
      }
    }
    stopped();
    // Nothing to write (every run held already): the database is not opened for writing.
    const nothing = result !== null && result.runs === 0 && result.addedColumns.length === 0;
    if (!options.dryRun && !nothing) {
      const manager = await target.open({ write: true, refuseV1 });
      // A database this import created and could not fill is removed: a failed
      // import leaves no new file behind, as it leaves an existing one unchanged.
      const created = manager.migration?.action === 'create';
      try {
        stopped();
        result = await importFrom(manager, false);
      } catch (error) {
        await manager.close();
        if (created) await location.adapter().remove(location.database);
        throw error;
      }
      await manager.close();
    }
  } finally {
    dispose();
  }
  const done = result!;
  if (ctx.global.json) {
    ctx.json({ from: file, to: location.display, dryRun: !!options.dryRun, ...done });
    return 0;
  }
  const { mechanisms, resolutions, validations } = done.rows;
  const [imported, added] = options.dryRun
    ? ['Would import (dry run, nothing written)', 'Would add']
    : ['Imported', 'Added'];
  const lines = [
    `${imported} ${done.runs} run(s) from ${file} into ${location.display}: ${mechanisms} mechanism events, ${resolutions} resolution assignments, ${validations} validations.`,
  ];
  if (done.skipped) lines.push(`Left out ${done.skipped} run(s) the database holds already.`);
  if (done.addedColumns.length) {
    lines.push(`${added} the columns the runs have: ${done.addedColumns.join(', ')}.`);
  }
  ctx.out(lines.join('\n'));
  return 0;
}
