/** The `budget` command group: token-budget checks (one file per subcommand). */
import { budgetCheck } from './budget-check.js';
import type { CommandSpec } from './types.js';

export const budget: CommandSpec = {
  name: 'budget',
  summary: 'Token-budget checks',
  examples: [
    { command: 'runmeta budget check', description: 'exit 4 if any run went over budget' },
  ],
  subcommands: [budgetCheck],
};
