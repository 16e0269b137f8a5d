/**
 * The migration strategies, in a module of their own so option schemas can name
 * them without importing the planner (which validates its options with them).
 */

/** How v1 data is treated. */
export type MigrationStrategy = 'archive' | 'carry-over';
export const MIGRATION_STRATEGIES: readonly MigrationStrategy[] = ['archive', 'carry-over'];
