/**
 * The refusals opening decides from its first, read-only look. Opening itself,
 * on real files, is tested in `packages/node-sqlite/test/open.test.ts` (core's
 * tests have no SQLite engine).
 */
import { describe, expect, it } from 'vitest';
import {
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
} from '../errors.js';
import type { SchemaDetection } from '../migrate/detect.js';
import type { MigrationPlan } from '../migrate/plan.js';
import { refuseWithoutConsent, refuseWrites, unusable } from './open-refusals.js';

function detection(kind: SchemaDetection['kind'], version: string | null = null): SchemaDetection {
  return { kind, version, runsColumns: [] } as unknown as SchemaDetection;
}

function plan(action: MigrationPlan['action'], kind: SchemaDetection['kind']): MigrationPlan {
  return {
    action,
    detection: detection(kind),
    steps: [{ kind: 'archive' }, { kind: 'create' }],
  } as unknown as MigrationPlan;
}

describe('unusable', () => {
  it('lets v1, v2 and absent databases through', () => {
    for (const kind of ['absent', 'v1-deployed-18', 'v2', 'v2-missing-columns'] as const) {
      expect(unusable(detection(kind), 'runs.db', false)).toBeNull();
    }
  });

  it('refuses an empty file without guessing', () => {
    expect(() => unusable(detection('empty'), 'runs.db', false)).toThrow(NotADatabaseError);
    expect(() => unusable(detection('empty'), 'runs.db', true)).toThrow(
      'exists but holds no tables (an empty file?); runmeta will not guess what it is',
    );
  });

  it('refuses a newer schema for writing, and says why writes are refused when reading', () => {
    expect(() => unusable(detection('newer', '3.0'), 'runs.db', false)).toThrow(NewerSchemaError);
    expect(unusable(detection('newer', '3.0'), 'runs.db', true)).toBe(
      'schema_version 3.0 is newer than this runmeta supports',
    );
  });
});

describe('refuseWithoutConsent', () => {
  it('refuses a migration or repair with autoMigrate: false, naming the plan', () => {
    expect(() =>
      refuseWithoutConsent(plan('migrate', 'v1-deployed-18'), 'runs.db', { autoMigrate: false }),
    ).toThrow(NeedsMigrationError);
    expect(() =>
      refuseWithoutConsent(plan('repair', 'v2-missing-columns'), 'runs.db', { autoMigrate: false }),
    ).toThrow('it is v2-missing-columns; the plan is archive → create');
  });

  it('lets a create, nothing to do, or consent through', () => {
    refuseWithoutConsent(plan('create', 'absent'), 'runs.db', { autoMigrate: false });
    refuseWithoutConsent(plan('none', 'v2'), 'runs.db', { autoMigrate: false });
    refuseWithoutConsent(plan('migrate', 'v1-deployed-18'), 'runs.db', {});
  });
});

describe('refuseWrites', () => {
  it('lets a writable manager write, without even describing the database', () => {
    let described = 0;
    refuseWrites(null, detection('v2'), () => `runs.db (${++described})`);
    expect(described).toBe(0);
  });

  it('refuses writes to a read-only manager, or as newer when the schema is', () => {
    const location = () => 'runs.db';
    expect(() => refuseWrites('opened with readOnly: true', detection('v2'), location)).toThrow(
      ReadOnlyError,
    );
    expect(() =>
      refuseWrites('schema_version 3.0 is newer', detection('newer', '3.0'), location),
    ).toThrow(NewerSchemaError);
  });
});
