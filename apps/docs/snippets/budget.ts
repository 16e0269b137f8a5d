import { compareRuns } from '@runmeta/core';
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

// What did the latest over-budget run do differently from the latest run within budget?
const [within] = await manager.getAllRuns({
  where: 'token_budget_compliance <= 1',
  order: 'newest-first',
  limit: 1,
});
if (over[0] && within) {
  const comparison = await compareRuns(manager, [within.runId, over[0].runId]);
  for (const field of comparison.fields) {
    const delta = field.deltas?.[1];
    if (!field.differs || !delta || delta.percent === null) continue;
    console.log(
      `${field.field}: ${field.values[0]} → ${field.values[1]} (${delta.percent.toFixed(1)}%)`,
    );
  }
  console.log(
    `mechanisms only the over-budget run used: ${comparison.mechanisms.only[1]?.join(', ')}`,
  );
}
await manager.close();
