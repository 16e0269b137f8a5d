/**
 * The adapter conformance suite: the one contract every storage adapter runs
 * against itself. An adapter's test file is a few lines:
 *
 * ```ts
 * describeAdapterConformance({
 *   name: 'postgres',
 *   createAdapter: freshAdapter,
 *   fixtures: loadFixtures(),
 *   skip: {
 *     'refuses bytes that are not SQLite, unchanged':
 *       'PostgreSQL imports an image instead of storing it, so junk never reaches an open.',
 *   },
 * });
 * ```
 *
 * It covers the full run lifecycle, the documented read/write rules (enums, columns, v1 → v2 migration,
 * metrics), migration
 * of every fixture shape with both strategies, rollback, and the error cases, one
 * group (file) per property proved. A case a backend cannot run is listed in its
 * `skip` map with the reason; it is then not registered at all, and one test per
 * backend checks that every listed case exists and has a reason, so the gaps are
 * explicit, reviewed with the adapter, and cannot go stale.
 */
import { describe, expect, it } from 'vitest';
import { readerAnswers } from './answers.js';
import { archiveWrites } from './archive.js';
import { comparing } from './compare.js';
import { type AdapterUnderTest, type CaseGroup, conformanceContext } from './context.js';
import { refusals } from './errors.js';
import { freshDatabase } from './fresh.js';
import { interchange } from './interchange.js';
import { runLifecycle } from './lifecycle.js';
import { migration } from './migration.js';
import { queries } from './queries.js';
import { questions } from './questions.js';
import { lenientReads } from './reads.js';
import { realFixtures } from './real-fixtures.js';
import { reportIndexes } from './report-indexes.js';
import { rollback } from './rollback.js';
import { staleRuns } from './stale-runs.js';
import { strictWrites } from './writes.js';

/** Every group, in the order the report shows them. */
const GROUPS = [
  readerAnswers,
  freshDatabase,
  runLifecycle,
  strictWrites,
  lenientReads,
  queries,
  migration,
  realFixtures,
  rollback,
  staleRuns,
  refusals,
  archiveWrites,
  comparing,
  questions,
  reportIndexes,
  interchange,
] as const;

type CaseNameOf<G> = G extends CaseGroup<infer C> ? keyof C & string : never;

/** The name (test title) of every conformance case: the keys an adapter's `skip` map may use. */
export type ConformanceCase = CaseNameOf<(typeof GROUPS)[number]>;

/** Every conformance case name, in registration order. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = GROUPS.flatMap(
  (group) => Object.keys(group.cases) as ConformanceCase[],
);

/** What an adapter's test file provides. */
export interface ConformanceOptions extends AdapterUnderTest {
  /**
   * Cases this backend cannot run, each with the reason (a sentence a reviewer can
   * judge). A listed case is not registered; a listed name that is no case fails.
   */
  skip?: Partial<Record<ConformanceCase, string>>;
}

/** Whether a skip reason reads as a reason: a sentence of a few words, not a placeholder. */
function isReason(reason: unknown): boolean {
  return (
    typeof reason === 'string' &&
    reason.trim() === reason &&
    reason.split(/\s+/).length >= 3 &&
    reason.endsWith('.')
  );
}

/**
 * What is wrong with a skip map, one line per problem: a name that is no
 * conformance case (a typo, or a case since renamed), or a reason that is not a
 * sentence (empty, a placeholder, no full stop). Empty when the map is sound.
 */
export function skipMapProblems(skip: Readonly<Record<string, unknown>>): string[] {
  const known = new Set<string>(CONFORMANCE_CASES);
  const problems: string[] = [];
  for (const [name, reason] of Object.entries(skip)) {
    if (!known.has(name)) problems.push(`"${name}" is not a conformance case`);
    if (!isReason(reason)) {
      problems.push(
        `the reason for skipping "${name}" is not a sentence: ${JSON.stringify(reason)}`,
      );
    }
  }
  return problems;
}

/** Register the conformance suite for one adapter. */
export function describeAdapterConformance(options: ConformanceOptions): void {
  const skip: Readonly<Record<string, unknown>> = options.skip ?? {};
  const skipped = new Set(Object.keys(skip));
  const t = conformanceContext(options);

  describe(`adapter conformance: ${options.name}`, () => {
    it('lists the cases it cannot run, each with a reason', () => {
      expect(new Set(CONFORMANCE_CASES).size, 'case names are unique').toBe(
        CONFORMANCE_CASES.length,
      );
      expect(skipMapProblems(skip)).toEqual([]);
    });

    for (const { title, cases } of GROUPS) {
      describe(title, () => {
        for (const [name, body] of Object.entries(cases)) {
          if (skipped.has(name)) continue;
          if (typeof body === 'function') it(name, () => body(t));
          else body.register(name, t);
        }
      });
    }
  });
}
