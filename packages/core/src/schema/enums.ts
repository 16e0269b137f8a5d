/**
 * The enums of a run (statuses, temporal modes, resolution levels, planning and budget modes): strict on input in any case, lenient on read.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import {
  FIDELITY_PLANNING_MODES,
  RESOLUTION_LEVELS,
  RUN_STATUSES,
  TEMPORAL_MODES,
  TOKEN_BUDGET_MODES,
} from './enum-values.js';

/**
 * Build a strict input enum: values are stored lowercase, and any case is
 * accepted and normalised to the value — the upper-case names the earlier tool
 * used in examples (`DIALOG`, `TENSOR_ONLY`), and `Scene` from a hand-written
 * script, as reads fold stored values the same way. Both the value and its
 * upper-case name are in the input type, so TypeScript catches a wrong literal
 * before zod does.
 */
function inputEnum<const T extends readonly [string, ...string[]]>(values: T) {
  const message = `must be one of ${values.join(', ')} (any case)`;
  return z.pipe(
    z.string({ error: () => message }),
    z.transform((text, ctx) => {
      const value = text.toLowerCase();
      if ((values as readonly string[]).includes(value)) return value as T[number];
      // zod/mini's transform has no addIssue: the issue goes on the payload itself.
      ctx.issues.push({ code: 'custom', message, input: text });
      return z.NEVER;
    }),
  ) as unknown as z.ZodMiniType<T[number], T[number] | Uppercase<T[number]>>;
}

/** A resolution (fidelity) level. Input also accepts the upper-case names. */
export const ResolutionLevel = inputEnum(RESOLUTION_LEVELS);
export type ResolutionLevel = (typeof RESOLUTION_LEVELS)[number];

/** A temporal mode. Input also accepts the upper-case names. */
export const TemporalMode = inputEnum(TEMPORAL_MODES);
export type TemporalMode = (typeof TEMPORAL_MODES)[number];

export const FidelityPlanningMode = inputEnum(FIDELITY_PLANNING_MODES);
export type FidelityPlanningMode = (typeof FIDELITY_PLANNING_MODES)[number];

export const TokenBudgetMode = inputEnum(TOKEN_BUDGET_MODES);
export type TokenBudgetMode = (typeof TOKEN_BUDGET_MODES)[number];

export const RunStatus = inputEnum(RUN_STATUSES);
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * A value read from a database: one of the known values, or any other string kept
 * as it is (reads are lenient; the record's `readIssues` flags the unknown value).
 */
export type Lenient<T extends string> = T | (string & {});

/** Where an enum column's known values live, for lenient decoding and flags. */
export const KNOWN_ENUM_VALUES = {
  resolution: RESOLUTION_LEVELS,
  temporalMode: TEMPORAL_MODES,
  planningMode: FIDELITY_PLANNING_MODES,
  budgetMode: TOKEN_BUDGET_MODES,
  status: RUN_STATUSES,
} as const;
export type EnumKind = keyof typeof KNOWN_ENUM_VALUES;

/**
 * Normalise a stored enum value for reading: case-folds known values, keeps any
 * other string untouched. Returns whether it was known.
 */
export function readEnum(kind: EnumKind, raw: string): { value: string; known: boolean } {
  const lower = raw.trim().toLowerCase();
  const known = (KNOWN_ENUM_VALUES[kind] as readonly string[]).includes(lower);
  return known ? { value: lower, known } : { value: raw, known };
}

/** Position of a level in {@link RESOLUTION_LEVELS}; unknown levels sort last. */
export function resolutionRank(level: string): number {
  const index = (RESOLUTION_LEVELS as readonly string[]).indexOf(level.toLowerCase());
  return index === -1 ? RESOLUTION_LEVELS.length : index;
}
