/**
 * What a failed aside migration leaves, and the error that says so. The aside
 * executor records how far it got — `building` (the original untouched),
 * `archived` (the original at the archive name), `installed` (the new database
 * at the original name) — and undoing walks back from there, one rename at a
 * time, until the original is where it was.
 *
 * @packageDocumentation
 */
import { InterruptedError, MigrationError, RunmetaError } from '../errors.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { MigrationPlan } from './plan.js';

/** How far an aside migration got: the original's and the aside's places follow from it. */
export type AsideStage = 'building' | 'archived' | 'installed';

/**
 * Undo what an aside migration did up to `stage` and return the error to throw
 * for `error`: the interruption or failure, saying where every file is now.
 * `asideOpened` says whether the aside was started (so an interruption can say
 * it was removed).
 */
export async function failedMigration(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  stage: AsideStage,
  error: unknown,
  asideOpened: boolean,
): Promise<Error> {
  const leftover = await undo(adapter, plan, stage);
  if (error instanceof InterruptedError && stage === 'building') {
    return await interrupted(adapter, plan, error, asideOpened);
  }
  if (leftover) {
    return new MigrationError(`${describeCause(error)}; ${leftover}`, { cause: error });
  }
  if (error instanceof MigrationError) return error;
  const detail = describeCause(error);
  return new MigrationError(
    plan.action === 'create'
      ? `${detail}; nothing was created`
      : `${detail}; ${adapter.describe(plan.database)} was left as it was`,
    {
      cause: error,
      ...(error instanceof RunmetaError && error.code !== 'RUNMETA_STORAGE'
        ? { hint: error.hint, cliHint: error.cliHint }
        : {}),
    },
  );
}

/** What went wrong in an error, without its hint (the wrapping error gives its own). */
function describeCause(error: unknown): string {
  if (error instanceof RunmetaError) return error.problem;
  return error instanceof Error ? error.message : String(error);
}

/** The interruption, saying exactly what is where after the undo. */
async function interrupted(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  error: InterruptedError,
  asideOpened: boolean,
): Promise<InterruptedError> {
  const aside = adapter.describe(plan.asideName!);
  const parts = [
    'interrupted',
    plan.action === 'create'
      ? 'nothing was created'
      : `${adapter.describe(plan.database)} unchanged`,
  ];
  if (await adapter.exists(plan.asideName!)) {
    parts.push(`the partly built ${aside} is left over, and the next migration removes it`);
  } else if (asideOpened) {
    parts.push(`the partly built ${aside} was removed`);
  }
  return new InterruptedError(parts.join('; '), error.reason, { cause: error });
}

/**
 * Put the original back where it was after a failed migration. Each step is
 * tried on its own; if the original cannot be put back, the aside is kept and the
 * message says where every file is, so the user is never told a wrong location.
 * Returns null when everything was undone.
 */
async function undo(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  stage: AsideStage,
): Promise<string | null> {
  const { database, archiveName, asideName } = plan;
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      return true;
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  let restored = stage === 'building';
  if (stage === 'installed') {
    const aside = await attempt(`moving ${database} back aside`, () =>
      adapter.move(database, asideName!),
    );
    // A created database had no original: moving it aside is all the restoring.
    if (!archiveName) restored = aside;
  }
  if (stage !== 'building' && archiveName) {
    restored = await attempt(`restoring ${archiveName} to ${database}`, () =>
      adapter.move(archiveName, database),
    );
  }
  if (restored) await attempt(`removing ${asideName}`, () => adapter.remove(asideName!));
  if (problems.length === 0) return null;
  return restored || !archiveName
    ? `cleanup was incomplete (${problems.join('; ')})`
    : `the v1 data is intact at ${adapter.describe(archiveName!)} and the new database at ${adapter.describe(asideName!)} (${problems.join('; ')})`;
}
