/**
 * The documented limits of a `--where` filter, as plain numbers: kept apart from
 * the checks that enforce them (`where-limits.ts`, which loads zod through its
 * imports) so that help text can quote them cheaply (`@runmeta/core/constants`).
 *
 * @packageDocumentation
 */

/**
 * The documented limits of a filter (`parseWhere`, `RunFilter.where`,
 * `runmeta runs list --where`). Each is far above what a person writes, and far
 * below what a backend refuses.
 */
export const WHERE_LIMITS = {
  /** Characters in the whole filter. */
  length: 1_000_000,
  /** Nesting of parentheses and `not`, together. */
  depth: 64,
  /** Conditions (`cost_usd > 1`, `x in (…)`, `x like '…'`, `x is null`), joined by and/or. */
  conditions: 256,
  /** Values in all the `in (…)` lists of one filter together. */
  values: 10_000,
  /** Characters in one `like` pattern. */
  patternLength: 10_000,
} as const;
