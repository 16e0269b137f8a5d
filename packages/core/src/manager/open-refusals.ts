/**
 * What opening refuses, and why. Each refusal is decided from what the first,
 * read-only look found, so a refused database is never opened for writing; the
 * same rules hold for importing, and for writes to a manager opened read-only.
 *
 * @packageDocumentation
 */
import { CURRENT_SCHEMA_VERSION } from '../columns/registry.js';
import {
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
} from '../errors.js';
import type { SchemaDetection } from '../migrate/detect.js';
import { refuseForeignCode } from '../migrate/foreign-code.js';
import { foreignDetail, type MigrationPlan } from '../migrate/plan.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { ManagerOptions } from './inputs.js';

/**
 * Refuse a database runmeta must not touch (foreign, empty, or newer when
 * writing); for a newer one opened read-only, the reason writes are refused.
 * Shared by opening and importing.
 *
 * @internal
 */
export function unusable(
  detection: SchemaDetection,
  location: string,
  readOnly: boolean,
): string | null {
  const { kind, version } = detection;
  if (kind === 'foreign') throw new NotADatabaseError(location, foreignDetail(detection));
  if (kind === 'empty') {
    throw new NotADatabaseError(
      location,
      'exists but holds no tables (an empty file?); runmeta will not guess what it is',
      {
        hint: 'Delete it to start a new run database, or open the right path',
      },
    );
  }
  if (kind !== 'newer') return null;
  if (!readOnly) throw new NewerSchemaError(location, version!, CURRENT_SCHEMA_VERSION);
  return `schema_version ${version} is newer than this runmeta supports`;
}

/**
 * A database written where it is (used as it is, or repaired) must hold no code
 * that runmeta's writes would run; a v1 file that is migrated is only read, and
 * the v2 database is built new.
 */
export function refuseWritingInPlace(
  plan: MigrationPlan,
  schema: ObservedSchema,
  location: string,
): void {
  if (plan.action === 'none' || plan.action === 'repair') refuseForeignCode(schema, location);
}

/** With `autoMigrate: false`, a migration or repair is not ours to make. */
export function refuseWithoutConsent(
  plan: MigrationPlan,
  location: string,
  options: Pick<ManagerOptions, 'autoMigrate'>,
): void {
  if ((plan.action === 'migrate' || plan.action === 'repair') && options.autoMigrate === false) {
    throw new NeedsMigrationError(
      location,
      `it is ${plan.detection.kind}; the plan is ${plan.steps.map((s) => s.kind).join(' → ')}`,
    );
  }
}

/**
 * Refuse a write to a manager that opening left read-only (`readOnlyReason` set):
 * a newer schema says so as itself, anything else is a {@link ReadOnlyError}.
 */
export function refuseWrites(
  readOnlyReason: string | null,
  detection: SchemaDetection,
  describe: () => string,
): void {
  if (!readOnlyReason) return;
  const location = describe();
  if (detection.kind === 'newer') {
    throw new NewerSchemaError(location, detection.version!, CURRENT_SCHEMA_VERSION);
  }
  throw new ReadOnlyError(location, readOnlyReason, {
    hint: 'Open it without readOnly: true to write to it',
    // The CLI opens read-only only for commands that never write.
    cliHint: 'Run with --debug and report it',
  });
}
