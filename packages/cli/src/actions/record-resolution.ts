/** The work of `record resolution`: record an entity resolution (fidelity) assignment; prints the run id (or the run as JSON). */
import type { CommandRun } from '../commands/types.js';
import { recordOne } from '../shared/write-run.js';

/** Runs `record resolution`, as declared (options, help) in `commands/record-resolution.ts`. */
export const run: CommandRun = (ctx, [runId, entityId, level, timepointId]) =>
  recordOne(ctx, 'record resolution', runId!, {
    resolutions: [{ entityId: entityId!, resolution: level as 'scene', timepointId: timepointId! }],
  });
