/** `runmeta demo`: the guide's story on an embedded default, end to end. */
import fs from 'node:fs';
import path from 'node:path';
import { formatSnapshotForLlm, MetadataManager, summarizeRuns } from '@runmeta/core';
import { buildDemoDatabase } from '@runmeta/core/demo';
import { createNodeSqliteAdapter, makeDirectory } from '@runmeta/node-sqlite';
import { CliContext } from '../context.js';
import { CliUsageError, userPathError } from '../errors.js';
import { renderReport } from '../output/report.js';
import { wholeNumber } from '../shared/option-values.js';
import { showStatus } from '../shared/show-status.js';
import type { CommandSpec } from './types.js';

/** Marks a folder as the demo's own (the demo replaces only such folders). */
const DEMO_MARKER = '.runmeta-demo';

export const demo: CommandSpec = {
  name: 'demo',
  summary:
    'Build a realistic v1 database, migrate it, record v2 runs, and show status, report and inspect',
  description:
    'Writes <dir>/metadata/runs.db with hundreds of synthetic v1 runs (every temporal mode, mechanisms, resolutions, validations, failures and stuck runs), migrates it with the archive strategy (old runs land in runs_v1_archive.db), records a batch of v2 runs through the SDK (budgets met and far exceeded), then prints status, a report over both databases and the snapshot of a v2 run. An existing demo folder is replaced.',
  options: [
    { flags: '--dir <folder>', description: 'where to build it', default: 'runmeta-demo' },
    {
      flags: '--runs <n>',
      description: 'number of v1 runs',
      default: '400',
      value: wholeNumber(10),
    },
  ],
  examples: [{ command: 'runmeta demo --dir /tmp/demo', description: 'build the demo elsewhere' }],
  async run(ctx, _args, options) {
    const folder = path.resolve(String(options.dir), 'metadata');
    const file = path.join(folder, 'runs.db');
    const marker = path.join(folder, DEMO_MARKER);
    try {
      // Only a folder the demo made itself is ever replaced: never a real database.
      if (fs.existsSync(folder) && fs.readdirSync(folder).length > 0 && !fs.existsSync(marker)) {
        throw new CliUsageError(
          `${folder} exists and was not made by runmeta demo; choose another --dir`,
        );
      }
      fs.rmSync(folder, { recursive: true, force: true });
      makeDirectory(folder);
      fs.writeFileSync(
        marker,
        'This folder was made by `runmeta demo` and is replaced by the next demo run.\n',
      );
    } catch (error) {
      throw userPathError(error, '--dir', 'cannot create the folder', folder);
    }
    const adapter = createNodeSqliteAdapter({ directory: folder });
    const v1Runs = options.runs as number;
    const { manager, lastCompletedRunId: lastCompleted } = await buildDemoDatabase(adapter, {
      v1Runs,
      onStep: (step, detail) => {
        if (step === 'write-v1') ctx.info(`1/4 Writing ${v1Runs} synthetic v1 runs to ${file}`);
        if (step === 'migrate') ctx.info('2/4 Migrating to v2 (archive strategy)');
        if (step === 'record-v2') {
          ctx.info(`    ${detail}`);
          ctx.info('3/4 Recording v2 runs through the SDK');
        }
      },
    });

    ctx.info('4/4 Done. Status, report and one run:\n');
    const sub = new CliContext(ctx.streams, { ...ctx.global, db: file, json: false });
    await manager.close();
    // A file just written and migrated, and small: the integrity check costs nothing here.
    await showStatus(sub, { check: true });
    const reader = await MetadataManager.open({ adapter, readOnly: true });
    try {
      ctx.out(`\n${ctx.color.bold('Report (active database and archive, by template)')}`);
      ctx.out(renderReport(await summarizeRuns(reader, { by: 'template', includeArchive: true })));
      ctx.out(`\n${ctx.color.bold(`runmeta inspect ${lastCompleted}`)}`);
      ctx.out(formatSnapshotForLlm(await reader.getSnapshot(lastCompleted)));
    } finally {
      await reader.close();
    }
    ctx.info(
      `\nTry: runmeta --db ${path.relative(process.cwd(), file) || file} runs list --include-archive --where "status = 'failed'"`,
    );
    return 0;
  },
};
