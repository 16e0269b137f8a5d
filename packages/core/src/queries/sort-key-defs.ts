/**
 * The sort keys of a run list as plain data: their names, the runs column each
 * reads, its kind and default direction. Kept apart from the SQL they compile to
 * (`sort-keys.ts`) and written with the columns' SQL names rather than through
 * the column registry, so that help text can list them without loading zod
 * (`@runmeta/core/constants`); a test checks each name against the registry.
 *
 * @packageDocumentation
 */
import { DERIVED_TIMES } from '../filter/derived-time-columns.js';

/** Which way a list is sorted. */
export type SortDirection = 'asc' | 'desc';

/** How a sort key reads a run. */
export interface SortKeyDef {
  /** The runs column, or a derived time's name (`created`, `updated`: see {@link SortKeyDef.from}). */
  readonly column: string;
  /**
   * For a derived time, the columns it is read from, the first that holds a
   * value (`created_at`, else `started_at`): as lists show, filter and sort it.
   */
  readonly from?: readonly string[];
  /** Times are compared as instants (`+02:00` honoured); numbers and text as stored. */
  readonly kind: 'time' | 'number' | 'text';
  /** The direction when none is given: largest first for numbers, else ascending. */
  readonly direction: SortDirection;
  readonly description: string;
}

const number = (column: string, description: string): SortKeyDef => ({
  column,
  kind: 'number',
  direction: 'desc',
  description,
});
const text = (column: string, description: string): SortKeyDef => ({
  column,
  kind: 'text',
  direction: 'asc',
  description,
});

/** Every sort key, by its short name. */
export const SORT_KEYS = {
  created: {
    column: 'created',
    kind: 'time',
    direction: 'asc',
    from: DERIVED_TIMES.created,
    description: `creation time (${DERIVED_TIMES.created.join(', else ')}), as an instant`,
  },
  updated: {
    column: 'updated',
    kind: 'time',
    direction: 'asc',
    from: DERIVED_TIMES.updated,
    description: `last update time (${DERIVED_TIMES.updated.join(', else ')}), as an instant`,
  },
  run_id: text('run_id', 'run id'),
  template: text('template_id', 'template id'),
  mode: text('causal_mode', 'causal mode'),
  status: text('status', 'status'),
  cost: number('cost_usd', 'cost in USD'),
  tokens: number('tokens_used', 'tokens used'),
  llm_calls: number('llm_calls', 'LLM calls'),
  entities: number('entities_created', 'entities created'),
  timepoints: number('timepoints_created', 'timepoints created'),
  training_examples: number('training_examples', 'training examples'),
  actual_tokens: number('actual_tokens_used', 'actual tokens used'),
  compliance: number('token_budget_compliance', 'token-budget compliance'),
  efficiency: number('fidelity_efficiency_score', 'fidelity efficiency score'),
} as const satisfies Record<string, SortKeyDef>;

/** A sort key's short name. */
export type SortKey = keyof typeof SORT_KEYS;
