/**
 * What every conformance case is given, and the shape of a group of cases.
 *
 * A group is a plain object from case name to case body, so the case names are
 * data: the suite can register them, an adapter's skip map can name them (and is
 * type-checked against them), and a skip that names no case fails a test.
 */
import { it } from 'vitest';
import { type ManagerOptions, MetadataManager } from '../../manager/metadata-manager.js';
import { observeSchema } from '../../migrate/observe.js';
import type { ObservedSchema } from '../../sql/observed-schema.js';
import type { StorageAdapter } from '../../storage/adapter.js';
import { openDatabase } from '../../storage/open-database.js';
import { DB } from './sql-helpers.js';

/** What an adapter's test file provides. */
export interface AdapterUnderTest {
  /** Name shown in the test report. */
  name: string;
  /** A new adapter over a new, empty container, for each test. */
  createAdapter: () => StorageAdapter | Promise<StorageAdapter>;
  /** The real legacy databases (`shared/fixtures/legacy-dbs`), by file name. */
  fixtures: Record<string, Uint8Array>;
}

/** The adapter under test and the few steps nearly every case starts with. */
export interface ConformanceContext {
  /** What the adapter's test file gave. */
  readonly options: AdapterUnderTest;
  /** Open a manager on `adapter` (options as `MetadataManager.open` takes them). */
  open(adapter: StorageAdapter, extra?: Partial<ManagerOptions>): Promise<MetadataManager>;
  /** A new adapter over an empty container, and a manager that created `runs.db` in it. */
  fresh(extra?: Partial<ManagerOptions>): Promise<{
    adapter: StorageAdapter;
    manager: MetadataManager;
  }>;
  /** The schema a database holds, read on a read-only connection of its own. */
  observe(adapter: StorageAdapter, name?: string): Promise<ObservedSchema>;
}

/** One conformance case: a single test. */
export type CaseBody = (t: ConformanceContext) => Promise<void>;

/**
 * One conformance case run once per row of a table (vitest's `it.each`; `%s` in
 * its name stands for the row's first value).
 */
export interface CaseTable {
  /** Register the case's tests under `name`. */
  readonly register: (name: string, t: ConformanceContext) => void;
}

/** A case: one test, or one test per row. */
export type Case = CaseBody | CaseTable;

/** Cases by name; the name is the test's title. */
export type Cases = Record<string, Case>;

/** A titled group of cases: one `describe` block, named by what its cases prove. */
export interface CaseGroup<C extends Cases = Cases> {
  readonly title: string;
  readonly cases: C;
}

/** Declare a group of cases (keeps the case names as a type). */
export function group<C extends Cases>(title: string, cases: C): CaseGroup<C> {
  return { title, cases };
}

/** A case that runs once per row; `%s` in its name stands for the row's first value. */
export function each<Row extends unknown[] | []>(
  rows: readonly Row[],
  run: (t: ConformanceContext, ...row: Row) => Promise<void>,
): CaseTable {
  return { register: (name, t) => it.each(rows)(name, (...row) => run(t, ...(row as Row))) };
}

/** The context the suite gives every case of one adapter. */
export function conformanceContext(options: AdapterUnderTest): ConformanceContext {
  const open = async (adapter: StorageAdapter, extra: Partial<ManagerOptions> = {}) =>
    MetadataManager.open({ adapter, ...extra });
  return {
    options,
    open,
    fresh: async (extra = {}) => {
      const adapter = await options.createAdapter();
      return { adapter, manager: await open(adapter, extra) };
    },
    observe: async (adapter, name = DB) => {
      const db = await openDatabase(adapter, name, { readOnly: true });
      try {
        return await observeSchema(db);
      } finally {
        await db.close();
      }
    },
  };
}
