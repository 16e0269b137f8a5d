/** `export`: stream the runs of a database as JSONL or CSV. */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { InterruptedError, interruptionPoint } from '@runmeta/core';
import { CliUsageError } from '../errors.js';
import { catchInterrupts } from '../interrupt.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import type { CommandSpec } from './types.js';

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'Stream every run of the active database as JSONL or CSV (to stdout or a file)',
  description:
    'Exports the active database page by page, so memory stays flat however many runs there are. Archived v1 runs are not included (list them with `runs list --include-archive`). --out never replaces an existing file unless --force is given, and the file appears only once it is complete.',
  options: [
    {
      flags: '--format <format>',
      description: 'jsonl or csv',
      choices: ['jsonl', 'csv'],
      default: 'jsonl',
    },
    { flags: '--out <file>', description: 'write to this file instead of stdout' },
    { flags: '--force', description: 'replace --out if it exists (never the database itself)' },
  ],
  examples: [
    { command: 'runmeta export --format csv --out runs.csv', description: 'all runs as CSV' },
  ],
  async run(ctx, _args, options) {
    const target = options.out ? path.resolve(String(options.out)) : null;
    let temp: string | null = null;
    if (target) {
      const folder = ctx.location.directory;
      const protectedFiles =
        folder && fs.existsSync(folder)
          ? fs.readdirSync(folder).map((f) => path.resolve(folder, f))
          : [];
      if (protectedFiles.includes(target) && /\.db(-\w+)?$/.test(target)) {
        throw new CliUsageError(
          `--out ${options.out} is a database next to --db; choose another file`,
        );
      }
      if (fs.existsSync(target) && (fs.statSync(target).isDirectory() || !options.force)) {
        throw new CliUsageError(
          `--out ${options.out} already exists; pass --force to replace it, or choose another file`,
        );
      }
      if (!fs.existsSync(path.dirname(target))) {
        throw new CliUsageError(
          `--out ${options.out}: the folder ${path.dirname(target)} does not exist`,
        );
      }
      temp = `${target}.runmeta-partial`;
    }
    const manager = await ctx.open({ write: false });
    // Into a file, Ctrl-C stops at the next page and the partial file is removed (below).
    const interrupts = temp ? catchInterrupts() : null;
    const pause = interruptionPoint(interrupts?.signal);
    let written = false;
    const out: NodeJS.WritableStream = temp ? fs.createWriteStream(temp) : ctx.streams.stdout;
    // events.once() rejects on 'error' and removes its listeners: no leak per drain.
    const write = async (line: string) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    try {
      const total = Number((await manager.query('SELECT count(*) AS n FROM runs'))[0]?.n ?? 0);
      const progress = ctx.progress('export');
      let done = 0;
      if (options.format === 'csv') await write(csvHeader());
      // One write per page: a million awaits for a million lines would dominate the time.
      let chunk: string[] = [];
      for await (const run of manager.iterateRuns({}, { pageSize: 1000 })) {
        chunk.push(
          options.format === 'csv'
            ? csvRow({ ...run, source: 'active' })
            : JSON.stringify(runJson(run)),
        );
        if (++done % 1000 === 0) {
          await write(chunk.join('\n'));
          chunk = [];
          progress.update({ step: 'runs', done, total });
          await pause();
        }
      }
      if (chunk.length) await write(chunk.join('\n'));
      progress.done();
      if (options.out) {
        await new Promise<void>((resolve, reject) =>
          (out as fs.WriteStream).end((error?: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
        // Renamed into place only when complete: a failed export never leaves half a file.
        fs.renameSync(temp!, target!);
        written = true;
        ctx.info(`${done} run(s) written to ${options.out}`);
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
      throw new InterruptedError(
        `interrupted; ${options.out} was not written${kept}`,
        error.reason,
      );
    } finally {
      interrupts?.dispose();
      if (temp && fs.existsSync(temp)) fs.rmSync(temp, { force: true });
      await manager.close();
    }
  },
};
