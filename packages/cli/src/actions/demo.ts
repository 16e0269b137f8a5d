/** The work of `runmeta demo`: the guide's story on an embedded default, end to end. */

import fs from 'node:fs';
import path from 'node:path';
import { formatSnapshotForLlm, MetadataManager, summarizeRuns } from '@runmeta/core';
import { buildDemoDatabase } from '@runmeta/core/demo';
import { createNodeSqliteAdapter, makeDirectory } from '@runmeta/node-sqlite';
import type { CommandRun } from '../commands/types.js';
import { CliContext } from '../context.js';
import { userPathError } from '../errors.js';
import { renderReport } from '../output/report.js';
import { showStatus } from '../shared/show-status.js';
import { CliUsageError } from '../usage-error.js';

/** Marks a folder as the demo's own (the demo replaces only such folders). */
const DEMO_MARKER = '.runmeta-demo';

/** Runs `demo`, as declared (options, help) in `commands/demo.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
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
  const shown = path.relative(process.cwd(), file) || file;
  ctx.info(
    `\nTry: runmeta --db ${shown} runs list --include-archive --where "status = 'failed'"\nSee them in your browser: runmeta ui --db ${shown}`,
  );
  return 0;
};
