/**
 * The v1 archive in the words of the CLI. Writes to runs must not be silently
 * defeated by it: a write command that would migrate a v1 file (archive strategy)
 * and thereby move the very runs it acts on into the read-only archive refuses
 * instead, and a write to a run that sits in the archive says so and how to carry
 * it over.
 */
import { type MetadataManager, NeedsMigrationError, RunNotFoundError } from '@runmeta/core';

import { CARRY_OVER_ARCHIVE, CARRY_OVER_FIRST } from './carry-over-words.js';

const MOVES = 'would first migrate it with the archive strategy, moving';

/** `runs close` on a v1 file: closing needs the running runs writable. */
export function refuseClosingInV1(display: string, olderThanMs: number, olderThan: string) {
  return async (v1: MetadataManager): Promise<Error> => {
    const stale = await v1.findStaleRuns({ olderThanMs });
    return new NeedsMigrationError(
      display,
      `it is schema v1; runs close ${MOVES} its ${stale.length} running run(s) older than ${olderThan} into the read-only v1 archive, where they cannot be closed; nothing was changed`,
      { hint: `Run \`${CARRY_OVER_FIRST}\` first (its runs stay writable in v2), then close them` },
    );
  };
}

/** `record …` and `complete` on a v1 file: the run they write to must stay writable. */
export function refuseWritingInV1(display: string, command: string, runId: string) {
  return async (v1: MetadataManager): Promise<Error> => {
    try {
      await v1.getRun(runId);
    } catch (error) {
      // In neither database: the command would fail anyway, so it fails without migrating.
      if (error instanceof RunNotFoundError) return error;
      throw error;
    }
    return new NeedsMigrationError(
      display,
      `it is schema v1; ${command} ${MOVES} run "${runId}" into the read-only v1 archive, where it cannot be changed; nothing was changed`,
      { hint: `Run \`${CARRY_OVER_FIRST}\` first (its runs stay writable in v2), then retry` },
    );
  };
}

/** The stderr line about running runs left in the archive by `runs close`. */
export function archivedStaleLine(count: number, archive: string, closing: boolean): string {
  return `${count} running run(s) of that age sit in the read-only archive ${archive} and ${closing ? 'were not closed' : 'would not be closed'}; carry them over with \`${CARRY_OVER_ARCHIVE}\`, then close them`;
}

/** `import --from <dump>` into a v1 file: which strategy the migration takes is the user's choice. */
export function refuseImportingIntoV1(display: string) {
  return async (): Promise<Error> =>
    new NeedsMigrationError(
      display,
      'it is schema v1; importing a dump into it would first migrate it, and which strategy (archive or carry-over) is your choice; nothing was changed',
      {
        hint: `Run \`runmeta migrate --yes\` (archive) or \`${CARRY_OVER_FIRST}\` first, then import the dump`,
      },
    );
}
