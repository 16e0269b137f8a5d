/** The work of `budget check`: exit non-zero when runs went over their token budget. */
import type { CommandRun } from '../commands/types.js';
import { compliance } from '../output/cells.js';
import { runJson } from '../output/records.js';
import { renderTable } from '../output/table.js';
import { CHECK_FAILED } from '../shared/exit-codes.js';

/** Runs `budget check`, as declared (options, help) in `commands/budget-check.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
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
};
