/** The work of `export`: stream the runs of a database as JSONL or CSV. */

import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { countRuns, exportFields, InterruptedError } from '@runmeta/core';
import { FILE_KIND_WORDS, interruptionPoint, PARTIAL_EXPORT_SUFFIX } from '@runmeta/core/adapter';
import { entryKind } from '@runmeta/node-sqlite';
import type { CommandRun } from '../commands/types.js';
import { userPathError } from '../errors.js';
import { catchInterrupts } from '../interrupt.js';
import { printable } from '../output/printable.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import { hintArchive } from '../shared/archive-hint.js';
import { CliUsageError } from '../usage-error.js';
import { type OtlpBatches, otlpBatches, refuseOtlpFlags } from './export-otlp.js';

/** Runs `export`, as declared (options, help) in `commands/export.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  if (options.children && options.format === 'csv') {
    throw new CliUsageError(
      "--children needs --format jsonl: a run's child records do not fit in one CSV row",
    );
  }
  // OpenTelemetry spans always carry their events (the run's child records).
  const otlp = options.format === 'otlp' ? otlpBatches(ctx, options) : null;
  if (!otlp) refuseOtlpFlags(options);
  const target = options.out ? path.resolve(String(options.out)) : null;
  let temp: string | null = null;
  if (target) {
    const folder = ctx.location.directory;
    let protectedFiles: string[] = [];
    try {
      protectedFiles = folder ? fs.readdirSync(folder).map((f) => path.resolve(folder, f)) : [];
    } catch {
      // No readable folder, no database beside --out; opening --db reports the problem.
    }
    if (protectedFiles.includes(target) && /\.db(-\w+)?$/.test(target)) {
      throw new CliUsageError(
        `--out ${options.out} is a database next to --db; choose another file`,
      );
    }
    let existing: fs.Stats | undefined;
    try {
      existing = fs.statSync(target, { throwIfNoEntry: false });
    } catch (error) {
      throw userPathError(error, '--out', 'cannot write', target);
    }
    const kind = lookAt(target);
    // Replacing a link, a pipe or a device by a file would surprise; writing into
    // a pipe could block forever. A regular file (or nothing) is the only target.
    if (kind && kind !== 'file' && kind !== 'directory') {
      throw new CliUsageError(
        `--out ${target} is ${FILE_KIND_WORDS[kind]}, not a regular file; give the path of a file, or leave out --out and redirect the output (runmeta export > file)`,
      );
    }
    if (existing?.isDirectory()) {
      throw new CliUsageError(
        `--out ${options.out} is a folder; give the path of a file, e.g. ${path.join(String(options.out), `runs.${String(options.format)}`)}`,
      );
    }
    if (existing && !options.force) {
      throw new CliUsageError(
        `--out ${options.out} already exists; pass --force to replace it, or choose another file`,
      );
    }
    if (!fs.existsSync(path.dirname(target))) {
      throw new CliUsageError(
        `--out ${options.out}: the folder ${path.dirname(target)} does not exist`,
      );
    }
    temp = `${target}${PARTIAL_EXPORT_SUFFIX}`;
    const partial = lookAt(temp);
    if (partial && partial !== 'file') {
      throw new CliUsageError(
        `--out ${options.out}: ${temp} is ${FILE_KIND_WORDS[partial]}, not a regular file; runmeta writes the export there before moving it into place, and never through a link: move it away, then retry`,
      );
    }
    // A partial file left by an export that was killed: it is ours to replace.
    if (partial) fs.rmSync(temp);
  }
  const manager = await ctx.open({ write: false });
  let fd: number | null = null;
  /** A system error on --out, as one usage line naming the file the user gave. */
  const onOut = <T>(step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw userPathError(error, '--out', 'cannot write', target!);
    }
  };
  const stdout = ctx.streams.stdout;
  // A file is written synchronously, so a refusal (permissions, full disk) is an
  // error right here rather than an 'error' event on a stream.
  // Into a file, Ctrl-C stops at the next page and the partial file is removed (below).
  const interrupts = temp ? catchInterrupts() : null;
  const pause = interruptionPoint(interrupts?.signal);
  let written = false;
  const write = async (line: string) => {
    if (fd === null) {
      // events.once() rejects on 'error' and removes its listeners: no leak per drain.
      // On a terminal, stored controls are shown, not obeyed (JSON lines stay exact).
      const text = stdout.isTTY ? printable(line) : line;
      if (!stdout.write(`${text}\n`)) await once(stdout, 'drain');
      return;
    }
    const bytes = Buffer.from(`${line}\n`);
    for (let done = 0; done < bytes.length; ) done += onOut(() => fs.writeSync(fd!, bytes, done));
  };
  try {
    // O_EXCL: created here, never opened through a link that appeared meanwhile.
    if (temp) fd = onOut(() => fs.openSync(temp!, 'wx'));
    const total = await countRuns(manager);
    const progress = ctx.progress('export');
    let done = 0;
    const fields = exportFields(
      await manager.runsColumns({ includeArchive: !!options.includeArchive }),
      { source: true },
    );
    if (options.format === 'csv') await write(csvHeader(fields));
    // One write per page: a million awaits for a million lines would dominate the time.
    let chunk: string[] = [];
    const includeArchive = !!options.includeArchive;
    const withChildren = !!options.children || otlp !== null;
    for await (const run of manager.iterateRuns(
      { includeArchive },
      { pageSize: 1000, withChildren },
    )) {
      const source = run.source ?? 'active';
      const line = otlp
        ? await otlp.add(run)
        : options.format === 'csv'
          ? csvRow({ ...run, source }, fields)
          : // With its children, a run comes in dump order, `source` included.
            jsonLine(
              withChildren ? run : includeArchive ? { ...runJson(run), source } : runJson(run),
            );
      if (line !== null) chunk.push(line);
      if (++done % 1000 === 0) {
        if (chunk.length) await write(chunk.join('\n'));
        chunk = [];
        // The archive's size is not counted up front: its pages show without a bar.
        progress.update(
          source === 'archive' ? { step: 'archived runs', done } : { step: 'runs', done, total },
        );
        await pause();
      }
    }
    const last = await otlp?.end();
    if (last) chunk.push(last);
    if (chunk.length) await write(chunk.join('\n'));
    progress.done();
    if (otlp) reportOtlp(ctx, otlp, options);
    if (done === 0) await hintArchive(ctx, manager, { includeArchive });
    if (fd !== null) {
      onOut(() => fs.closeSync(fd!));
      fd = null;
      // Renamed into place only when complete: a failed export never leaves half a file.
      onOut(() => fs.renameSync(temp!, target!));
      written = true;
      // An OpenTelemetry export leaves out runs without a time (warned about above).
      const count = otlp
        ? `${otlp.summary().spans} run(s) written as spans`
        : `${done} run(s) written`;
      ctx.info(`${count} to ${options.out}`);
      await pause().catch(() => {
        throw new InterruptedError(
          `interrupted after ${done} run(s) were written to ${options.out}`,
          interrupts?.signal.reason,
        );
      });
    }
    return 0;
  } catch (error) {
    if (!(error instanceof InterruptedError) || written) throw error;
    const kept = fs.existsSync(target ?? '') ? ' (the existing file is unchanged)' : '';
    throw new InterruptedError(`interrupted; ${options.out} was not written${kept}`, error.reason);
  } finally {
    interrupts?.dispose();
    if (fd !== null) fs.closeSync(fd);
    try {
      // Removes a link, not its target; a path the system refused holds no file.
      if (temp) fs.rmSync(temp, { force: true });
    } catch {}
    await manager.close();
  }
};

/** What stands at a path given for output (a link is not followed); a refusal as a usage line. */
function lookAt(file: string) {
  try {
    return entryKind(file);
  } catch (error) {
    throw userPathError(error, '--out', 'cannot write', file);
  }
}

/** The closing line of an OpenTelemetry export, and the runs it had to leave out. */
function reportOtlp(
  ctx: Parameters<CommandRun>[0],
  otlp: OtlpBatches,
  options: Record<string, unknown>,
): void {
  const { spans, requests, withoutTime, rejected } = otlp.summary();
  if (withoutTime) {
    ctx.warn(
      `${withoutTime} run(s) have neither a creation nor a start time runmeta can read, so no span: they were left out`,
    );
  }
  if (options.endpoint !== undefined) {
    const refused = rejected ? ` (the receiver rejected ${rejected} of them)` : '';
    ctx.info(
      `${spans} run(s) sent to ${options.endpoint} as spans, in ${requests} request(s)${refused}`,
    );
  }
}

/**
 * A record as one JSON line. An exact 64-bit integer (a PostgreSQL BIGINT beyond
 * 2^53, read exactly) has no JSON number JavaScript can write: it is written as
 * its digits in a string rather than rounded. The replacer costs time, so it runs
 * only for the rare record that needs it.
 */
function jsonLine(record: object): string {
  try {
    return JSON.stringify(record);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(record, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
