/**
 * The v2 fidelity metrics (distribution, token budget compliance, efficiency) as pure functions. Invalid numbers are
 * rejected with a {@link ValidationError} naming the argument, so a bad value can
 * never be computed into a stored metric.
 */
import { ValidationError } from '../errors.js';
import { RESOLUTION_LEVELS } from '../schema/enum-values.js';
import { resolutionRank } from '../schema/enums.js';
import { timeKey } from '../schema/time.js';
import { previewValue } from '../schema/validate.js';

/** The level an entity without any level counts as. */
export const DEFAULT_RESOLUTION = 'scene';

function requireCount(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ValidationError(name, `must be a finite number, got ${previewValue(value)}`);
  if (value < 0) throw new ValidationError(name, `must not be negative, got ${value}`);
  return value;
}

/** The assignments given to {@link fidelityDistribution}, checked item by item. */
function* checkedAssignments(assignments: unknown): Generator<EntityLevel> {
  if (
    typeof assignments !== 'object' ||
    assignments === null ||
    typeof (assignments as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new ValidationError(
      'assignments',
      `must be an array (or iterable) of assignments, got ${previewValue(assignments)}`,
    );
  }
  let i = 0;
  for (const item of assignments as Iterable<unknown>) {
    if (typeof item !== 'object' || item === null) {
      throw new ValidationError(
        `assignments[${i}]`,
        `must be an object, got ${previewValue(item)}`,
      );
    }
    const { entityId, resolution } = item as Record<string, unknown>;
    if (typeof entityId !== 'string') {
      throw new ValidationError(
        `assignments[${i}].entityId`,
        `must be a string, got ${previewValue(entityId)}`,
      );
    }
    if (resolution !== undefined && resolution !== null && typeof resolution !== 'string') {
      throw new ValidationError(
        `assignments[${i}].resolution`,
        `must be a string or null, got ${previewValue(resolution)}`,
      );
    }
    yield item as EntityLevel;
    i++;
  }
}

/** The minimum an assignment needs for the distribution. */
export interface EntityLevel {
  entityId: string;
  /** Missing level counts as `scene`. */
  resolution?: string | null;
  /** Orders assignments of the same entity; later wins. */
  timestamp?: string | null;
  /** Breaks timestamp ties; higher wins. */
  id?: number | null;
}

/**
 * Count entities per resolution level, using each entity's latest assignment
 * (latest timestamp, then highest id, then last in the list). Keys are lowercase.
 *
 * @example
 * fidelityDistribution([{ entityId: 'a', resolution: 'DIALOG' }, { entityId: 'b' }])
 * // → { dialog: 1, scene: 1 }
 */
export function fidelityDistribution(assignments: Iterable<EntityLevel>): Record<string, number> {
  const latest = new Map<string, EntityLevel>();
  for (const assignment of checkedAssignments(assignments)) {
    const current = latest.get(assignment.entityId);
    if (!current || !isEarlier(assignment, current)) latest.set(assignment.entityId, assignment);
  }
  const counts: Record<string, number> = {};
  for (const { resolution } of latest.values()) {
    const level = resolution ? resolution.toLowerCase() : DEFAULT_RESOLUTION;
    counts[level] = (counts[level] ?? 0) + 1;
  }
  return counts;
}

/** Whether `a` happened strictly before `b` (times compared as times: `schema/time.ts`). */
function isEarlier(a: EntityLevel, b: EntityLevel): boolean {
  const ta = timeKey(a.timestamp) ?? a.timestamp ?? '';
  const tb = timeKey(b.timestamp) ?? b.timestamp ?? '';
  if (ta !== tb) return ta < tb;
  return (a.id ?? Number.POSITIVE_INFINITY) < (b.id ?? Number.POSITIVE_INFINITY);
}

/**
 * `actualTokens / tokenBudget`; `null` when there is no budget or it is ≤ 0.
 * Over 1.0 means over budget.
 */
export function tokenBudgetCompliance(
  actualTokens: number,
  tokenBudget: number | null | undefined,
): number | null {
  requireCount('actualTokens', actualTokens);
  if (tokenBudget === null || tokenBudget === undefined) return null;
  if (typeof tokenBudget !== 'number' || !Number.isFinite(tokenBudget)) {
    throw new ValidationError(
      'tokenBudget',
      `must be a finite number, got ${previewValue(tokenBudget)}`,
    );
  }
  if (tokenBudget <= 0) return null;
  const ratio = actualTokens / tokenBudget;
  if (!Number.isFinite(ratio)) {
    throw new ValidationError(
      'tokenBudget',
      `${tokenBudget} is too small for ${actualTokens} tokens: the compliance ratio is not a finite number`,
    );
  }
  return ratio;
}

/** `(entitiesCreated + timepointsCreated) / actualTokens`; `null` when tokens are 0. */
export function fidelityEfficiencyScore(
  entitiesCreated: number,
  timepointsCreated: number,
  actualTokens: number,
): number | null {
  requireCount('entitiesCreated', entitiesCreated);
  requireCount('timepointsCreated', timepointsCreated);
  requireCount('actualTokens', actualTokens);
  if (actualTokens === 0) return null;
  const created = entitiesCreated + timepointsCreated;
  if (!Number.isFinite(created)) {
    throw new ValidationError(
      'entitiesCreated',
      `${entitiesCreated} + ${timepointsCreated} timepoints is not a finite number`,
    );
  }
  const score = created / actualTokens;
  if (!Number.isFinite(score)) {
    throw new ValidationError(
      'actualTokens',
      `${actualTokens} is too small for ${created} entities and timepoints: the score is not a finite number`,
    );
  }
  return score;
}

/** Distribution entries in level order; unknown levels always last, by name. */
export function sortedDistribution(
  distribution: Record<string, number>,
  direction: 'coarsest-first' | 'finest-first' = 'coarsest-first',
): [string, number][] {
  if (typeof distribution !== 'object' || distribution === null || Array.isArray(distribution)) {
    throw new ValidationError(
      'distribution',
      `must be an object of level → count, got ${previewValue(distribution)}`,
    );
  }
  const sign = direction === 'coarsest-first' ? 1 : -1;
  const known = (level: string) => resolutionRank(level) < RESOLUTION_LEVELS.length;
  return Object.entries(distribution).sort(([a], [b]) => {
    if (known(a) !== known(b)) return known(a) ? -1 : 1;
    return sign * (resolutionRank(a) - resolutionRank(b)) || a.localeCompare(b);
  });
}

/** Whether a compliance ratio means over budget. */
export function isOverBudget(compliance: number | null | undefined): boolean {
  return typeof compliance === 'number' && compliance > 1;
}
