/**
 * The filter flags every question over many runs shares (`runs list`, `runs
 * count`, `report`), declared once, and the filter they give core.
 */
import type { RunQueryFilter } from '@runmeta/core';
import { SORT_KEYS, TEMPORAL_MODES, WHERE_LIMITS } from '@runmeta/core/constants';
import type { OptionSpec } from '../commands/types.js';

/** The filter flags every question over many runs shares (`runs list`, `runs count`, `report`). */
export const FILTER_OPTIONS: OptionSpec[] = [
  { flags: '--template <id>', description: 'only this template' },
  {
    flags: '--status <status>',
    description: 'only this status',
    choices: ['running', 'completed', 'failed'],
  },
  { flags: '--mode <mode>', description: 'only this causal mode', choices: TEMPORAL_MODES },
  {
    flags: '--since <time>',
    description:
      'created at or after this ISO-8601 time (2025-11-01, 2025-11-01T12:00:00, …+02:00); a time without a zone is UTC',
  },
  {
    flags: '--until <time>',
    description: 'created before this ISO-8601 time (UTC when no zone)',
  },
  {
    flags: '--where <filter>',
    description: 'filter expression, e.g. "status = \'failed\' and cost_usd > 0.5"',
  },
  {
    flags: '--include-archive',
    description: 'also the runs of the v1 archive (a run in both counts once, as its active copy)',
  },
];

/** The `--where` language in one paragraph, for the commands that take it. */
export const WHERE_HELP = `--where takes a small filter language: comparisons (= != < <= > >=), and/or/not, parentheses, in (...), like '...', is [not] null, over run columns (cost_usd or costUsd), the creation and last-update times runs are listed by (${Object.entries(
  SORT_KEYS,
)
  .flatMap(([name, def]) => (def.from ? [`${name}: ${def.from.join(', else ')}`] : []))
  .join(
    '; ',
  )}) and fidelity levels (fidelity.dialog >= 2). A filter holds at most ${WHERE_LIMITS.conditions} conditions, ${WHERE_LIMITS.depth} levels of parentheses and not, ${WHERE_LIMITS.values} values in its in (...) lists and ${WHERE_LIMITS.length} characters; a like pattern at most ${WHERE_LIMITS.patternLength} characters.`;

/** The filter the shared flags give. */
export function filterFromOptions(options: Record<string, unknown>): RunQueryFilter {
  return {
    templateId: options.template as string | undefined,
    status: options.status as RunQueryFilter['status'],
    causalMode: options.mode as RunQueryFilter['causalMode'],
    since: options.since as string | undefined,
    until: options.until as string | undefined,
    where: options.where as string | undefined,
    includeArchive: !!options.includeArchive,
  };
}
