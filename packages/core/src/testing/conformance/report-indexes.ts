/**
 * A summary of every run by template (or over all) reads the report indexes a
 * fresh database has, and answers exactly as the pass over each run does: the
 * same groups, counts, sums, percentiles and fidelity totals, with status and
 * distribution keys folded as reads fold them, whatever spellings the table
 * stores. A database without those indexes answers the same the general way.
 * Every expected value is worked out here from the rows the case wrote.
 */
import { expect } from 'vitest';
import type { MetadataManager } from '../../manager/metadata-manager.js';
import { compileFilter, RunQueryFilterSchema } from '../../queries/run-query.js';
import { type SummarizeOptions, summarizeRuns } from '../../queries/summarize.js';
import { indexedShape } from '../../queries/summary-totals.js';
import type { SqlValue } from '../../sql/values.js';
import { group } from './context.js';
import { DB, rawExec } from './sql-helpers.js';

/** id, template, stored status, stored distribution, cost, compliance. */
const ROWS: [string, string | null, string | null, string | null, number, number | null][] = [
  ['r1', 'alpha', 'completed', '{"dialog": 2, "scene": 1}', 0.5, 0.4],
  ['r2', 'alpha', 'Completed ', '{"dialog": 2, "scene": 1}', 0.25, 1.5],
  ['r3', 'alpha', 'FAILED', '{"DIALOG": 2, "Scene": 1}', 1, 0.9],
  ['r4', 'alpha', 'completed', '{"dialog": 2, "scene": 1}', 0.125, 1.2],
  ['r5', 'beta', 'running', null, 0, null],
  ['r6', 'beta', 'completed', 'not json', 2, 0.7],
  ['r7', 'beta', 'paused', '{"dialog": "two", "graph": 3}', 0.5, 2.5],
  ['r8', null, null, '{"tensor_only": 4}', 0.75, 0.1],
  ['r9', null, 'completed', '{"tensor_only": 4}', 0.25, null],
];

/** The nearest-rank value at `share` of the sorted `values` (null when there are none). */
const rank = (values: number[], share: number): number | null =>
  values.length ? [...values].sort((a, b) => a - b)[Math.ceil(values.length * share) - 1]! : null;

/** What the shape of a summary is, as the summary itself chooses it. */
async function shapeOf(manager: MetadataManager, options: SummarizeOptions) {
  const { by = 'template', ...given } = options;
  const { filter } = await compileFilter(manager, given, RunQueryFilterSchema, 'options');
  return indexedShape(filter, by);
}

export const reportIndexes = group('a summary reads the report indexes where they serve', {
  'a summary by template reads the report indexes and answers as the pass over each run does':
    async ({ fresh, open }) => {
      const { adapter, manager } = await fresh();
      await manager.close();
      await rawExec(
        adapter,
        DB,
        ROWS.map(([id, template, status, distribution, cost, compliance]) => [
          `INSERT INTO "runs" ("run_id", "template_id", "status", "fidelity_distribution", "cost_usd", "token_budget_compliance", "schema_version") VALUES (?, ?, ?, ?, ?, ?, '2.0')`,
          [id, template, status, distribution, cost, compliance] as SqlValue[],
        ]),
      );
      const reader = await open(adapter, { readOnly: true });
      expect(await shapeOf(reader, { by: 'template' })).toEqual({ totals: true, ranks: true });
      expect(await shapeOf(reader, { by: 'none' })).toEqual({ totals: true, ranks: false });
      // A filter (even one keeping every run) takes the general pass.
      const everyRun = { where: 'run_id is not null' };
      expect(await shapeOf(reader, { by: 'template', ...everyRun })).toEqual({
        totals: false,
        ranks: false,
      });

      const byTemplate = await summarizeRuns(reader, { by: 'template' });
      for (const key of ['alpha', 'beta', null]) {
        const rows = ROWS.filter((r) => r[1] === key);
        const g = byTemplate.groups.find((x) => x.key === key)!;
        const folded = rows.map((r) => r[2]?.trim().toLowerCase() ?? null);
        expect(g.runs, String(key)).toBe(rows.length);
        expect(g.byStatus).toEqual({
          completed: folded.filter((s) => s === 'completed').length,
          failed: folded.filter((s) => s === 'failed').length,
          running: folded.filter((s) => s === 'running').length,
          other: folded.filter((s) => !['completed', 'failed', 'running'].includes(s ?? '')).length,
        });
        expect(g.costUsd).toBe(rows.reduce((s, r) => s + r[4], 0));
        const compliances = rows.flatMap((r) => (r[5] === null ? [] : [r[5]]));
        expect(g.compliance).toEqual({
          count: compliances.length,
          min: compliances.length ? Math.min(...compliances) : null,
          median: rank(compliances, 0.5),
          p90: rank(compliances, 0.9),
          max: compliances.length ? Math.max(...compliances) : null,
        });
        expect(g.overBudget).toBe(compliances.filter((c) => c > 1).length);
      }
      // Keys read in any case; a distribution with a member that is no number, and
      // text that is no JSON, count nothing — as reads decode them.
      expect(byTemplate.groups.find((g) => g.key === 'alpha')!.fidelity).toEqual({
        dialog: 8,
        scene: 4,
      });
      expect((await reader.getRun('r7'))?.fidelityDistribution ?? null).toBeNull();
      expect(byTemplate.groups.find((g) => g.key === 'beta')!.fidelity).toEqual({});
      expect(byTemplate.groups.find((g) => g.key === null)!.fidelity).toEqual({ tensor_only: 8 });

      // The general pass gives the very same summary, by template and over all.
      expect(await summarizeRuns(reader, { by: 'template', ...everyRun })).toEqual(byTemplate);
      const none = await summarizeRuns(reader, { by: 'none' });
      expect(none.totals.runs).toBe(ROWS.length);
      expect(await summarizeRuns(reader, { by: 'none', ...everyRun })).toEqual(none);
      await reader.close();

      // Without the indexes (a file from before them, opened read-only): the same answers.
      await rawExec(adapter, DB, [
        ['DROP INDEX "idx_runs_report_totals"'],
        ['DROP INDEX "idx_runs_template_compliance"'],
      ]);
      const older = await open(adapter, { readOnly: true });
      expect(await shapeOf(older, { by: 'template' })).toEqual({ totals: false, ranks: false });
      expect(await summarizeRuns(older, { by: 'template' })).toEqual(byTemplate);
      await older.close();
    },
});
