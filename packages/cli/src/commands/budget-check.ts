/** `budget check`: exit non-zero when runs went over their token budget. */
import { compliance } from '../output/cells.js';
import { runJson } from '../output/records.js';
import { renderTable } from '../output/table.js';
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { decimalNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const budgetCheck: CommandSpec = {
  name: 'check',
  summary: 'Exit non-zero when runs went over their token budget',
  description: `List runs whose token_budget_compliance is above --max-compliance (default 1.0 = 100% of budget). Exit codes: 0 none over budget; ${CHECK_FAILED} some runs over budget.`,
  printsData: true,
  options: [
    {
      flags: '--max-compliance <ratio>',
      description: 'highest acceptable actual/budget ratio',
      default: '1.0',
      value: decimalNumber(0),
    },
    { flags: '--include-archive', description: 'check the archive too' },
  ],
  examples: [
    {
      command: 'runmeta budget check --max-compliance 1.2',
      description: 'allow 20% over budget',
    },
  ],
  async run(ctx, _args, options) {
    const max = options.maxCompliance as number;
    const manager = await ctx.open({ write: false });
    try {
      const over = await manager.getAllRuns({
        where: `token_budget_compliance > ${max}`,
        includeArchive: !!options.includeArchive,
      });
      if (ctx.global.json) ctx.json({ maxCompliance: max, overBudget: over.map(runJson) });
      else if (over.length === 0)
        ctx.out(`No run over ${(max * 100).toFixed(0)}% of its token budget.`);
      else {
        ctx.out(
          renderTable(
            ['run_id', 'template', 'tokens', 'compliance'],
            over.map((r) => [
              r.runId,
              r.templateId,
              r.actualTokensUsed ?? r.tokensUsed,
              compliance(r, ctx.color),
            ]),
          ),
        );
        ctx.info(`${over.length} run(s) over ${(max * 100).toFixed(0)}% of budget`);
      }
      return over.length ? CHECK_FAILED : 0;
    } finally {
      await manager.close();
    }
  },
};
