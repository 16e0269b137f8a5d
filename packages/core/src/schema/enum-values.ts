/**
 * The known values of a run's enums, as plain lists. Kept apart from their zod
 * schemas (`enums.ts`) so that what only needs the names (the CLI's `--help`,
 * through `@runmeta/core/constants`) does not load zod.
 *
 * @packageDocumentation
 */

/** Resolution (fidelity) levels, ordered from coarsest to finest. */
export const RESOLUTION_LEVELS = [
  'tensor_only',
  'scene',
  'graph',
  'dialog',
  'trained',
  'full_detail',
] as const;

/**
 * Temporal modes (`causal_mode`). `pearl` and `nonlinear` are not in the original
 * documentation but deployed databases hold them, so they are known values too.
 */
export const TEMPORAL_MODES = [
  'forward',
  'directorial',
  'branching',
  'cyclical',
  'portal',
  'pearl',
  'nonlinear',
] as const;

/** How the fidelity plan was made. */
export const FIDELITY_PLANNING_MODES = ['programmatic', 'adaptive', 'hybrid'] as const;

/** How the token budget is enforced. */
export const TOKEN_BUDGET_MODES = [
  'hard',
  'soft',
  'max',
  'adaptive',
  'orchestrator',
  'user',
] as const;

/** Lifecycle status of a run. */
export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
