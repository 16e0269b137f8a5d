import { openRunDatabase } from '@runmeta/node-sqlite';

const manager = await openRunDatabase('metadata/runs.db', { readOnly: true });

// token_budget_compliance = actual tokens / budget; above 1.0 means over budget.
const over = await manager.getAllRuns({
  where: 'token_budget_compliance > 1',
  order: 'newest-first',
});
for (const run of over) {
  const percent = ((run.tokenBudgetCompliance ?? 0) * 100).toFixed(1);
  console.log(`${run.runId} ${run.templateId}: ${percent}% of budget, $${run.costUsd}`);
}
await manager.close();
