/**
 * Stale runs: runs still running after a given age are found and closed as
 * failed, and a run that completes meanwhile is left as it is.
 */
import { expect } from 'vitest';
import { group } from './context.js';

export const staleRuns = group('a stale run is closed as failed, a finished one left as it is', {
  'finds runs still running after a given age and closes them as failed': async ({ fresh }) => {
    const { manager } = await fresh();
    const now = new Date('2026-01-10T12:00:00Z');
    await manager.saveMetadata({
      runId: 'old',
      templateId: 't',
      status: 'running',
      createdAt: '2026-01-09T00:00:00',
    });
    await manager.saveMetadata({
      runId: 'recent',
      templateId: 't',
      status: 'running',
      createdAt: '2026-01-10T11:30:00',
    });
    await manager.saveMetadata({
      runId: 'done',
      templateId: 't',
      status: 'completed',
      createdAt: '2026-01-01T00:00:00',
    });
    const stale = await manager.findStaleRuns({ olderThanMs: 3_600_000, now });
    expect(stale.map((r) => r.runId)).toEqual(['old']);
    const closed = await manager.closeStaleRuns({
      olderThanMs: 3_600_000,
      now,
      reason: 'process died',
    });
    expect(closed.map((r) => [r.runId, r.status, r.errorMessage])).toEqual([
      ['old', 'failed', 'process died'],
    ]);
    expect((await manager.getRun('recent')).status).toBe('running');
    await expect(manager.findStaleRuns({ olderThanMs: -1 })).rejects.toMatchObject({
      field: 'olderThanMs',
    });
    await manager.close();
  },
  'closeStaleRuns leaves a run that completed after it was found as it is': async ({ fresh }) => {
    const { manager } = await fresh();
    const now = new Date('2026-01-10T12:00:00Z');
    await manager.startRun({
      runId: 'slow',
      templateId: 't',
      causalMode: 'forward',
      createdAt: '2026-01-09T00:00:00',
    });
    // Both calls are queued on the one connection: the completion commits
    // between closeStaleRuns' search and its write.
    const [closed, completed] = await Promise.all([
      manager.closeStaleRuns({ olderThanMs: 3_600_000, now, reason: 'process died' }),
      manager.completeRun('slow', {
        entitiesCreated: 1,
        timepointsCreated: 1,
        costUsd: 0.1,
        tokensUsed: 10,
      }),
    ]);
    expect(completed.status).toBe('completed');
    expect(closed).toEqual([]);
    const run = await manager.getRun('slow');
    expect([run.status, run.errorMessage, run.tokensUsed]).toEqual(['completed', null, 10]);
    await manager.close();
  },
});
