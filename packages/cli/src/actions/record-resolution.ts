import type { CommandRun } from '../commands/types.js';
import { recordOne } from '../shared/write-run.js';

export const run: CommandRun = (ctx, [runId, entityId, level, timepointId]) =>
  recordOne(ctx, 'record resolution', runId!, {
    resolutions: [{ entityId: entityId!, resolution: level as 'scene', timepointId: timepointId! }],
  });
