/**
 * Mechanism coverage: which mechanisms each template exercises — for every
 * (template, mechanism) pair, how many runs used it and how many events they
 * recorded, and per template how many runs there are. One grouped statement
 * (mechanism events joined to the filtered runs), so memory holds the grid,
 * never the runs.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { asFilterError } from '../filter/engine-limits.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { whereClause } from '../manager/run-queries.js';
import { sortMechanisms } from '../metrics/mechanisms.js';
import { parseOptions } from '../schema/options.js';
import { quoteIdent } from '../sql/quote.js';
import { RunQueryFilterSchema } from './run-query.js';

/** The filter of coverage: a run list's, over the active database (mechanism rows are read there). */
const CoverageFilterSchema = z.omit(RunQueryFilterSchema, { includeArchive: true });

/** The runs coverage counts: the filters of a run list, meaning the same runs. */
export type CoverageFilter = z.input<typeof CoverageFilterSchema>;

/** One template's runs. */
export interface TemplateCoverage {
  /** The template id; null for runs without one. */
  templateId: string | null;
  /** Runs of the template that match the filter, with or without mechanisms. */
  runs: number;
}

/** One cell of the grid: a mechanism in a template's runs. */
export interface CoverageCell {
  templateId: string | null;
  mechanism: string;
  /** Runs of the template that used the mechanism at least once. */
  runs: number;
  /** Events of the mechanism those runs recorded. */
  events: number;
}

/** Template × mechanism: what {@link mechanismCoverage} returns. */
export interface MechanismCoverage {
  /** Every template with a matching run, most runs first (ties by id, runs without a template last). */
  templates: TemplateCoverage[];
  /** Every mechanism any matching run used, sorted M1..M17. */
  mechanisms: string[];
  /** The pairs that occur, in the order of `templates`, then of `mechanisms`; a missing pair is 0. */
  cells: CoverageCell[];
}

const templateOrder = (a: TemplateCoverage, b: TemplateCoverage) =>
  b.runs - a.runs ||
  (a.templateId === null ? 1 : 0) - (b.templateId === null ? 1 : 0) ||
  String(a.templateId).localeCompare(String(b.templateId));

/**
 * Template × mechanism over the runs of the active database that match the
 * filter (the filters of `getAllRuns`, meaning the same runs): per template its
 * runs, and per (template, mechanism) the runs that used it and their events.
 * A filter is validated like a run list's (`ValidationError` naming
 * `filter.<key>` or `where`).
 *
 * @example
 * ```ts
 * const { templates, cells } = await mechanismCoverage(manager, { status: 'completed' });
 * ```
 */
export async function mechanismCoverage(
  manager: MetadataManager,
  filter: CoverageFilter = {},
): Promise<MechanismCoverage> {
  const f = parseOptions(CoverageFilterSchema, filter, {
    name: 'filter',
    prefix: 'filter',
    operation: 'read',
  });
  const [active] = await manager.readSources();
  const { db } = active!;
  const columns = active!.columns('runs');
  const where = whereClause(columns, f, db.dialect);
  const template = columns.includes('template_id') ? '"template_id"' : 'NULL';
  const usage = active!.columns('mechanism_usage');
  const parts = [
    `SELECT 'template' AS "kind", ${template} AS "template_id", NULL AS "mechanism", count(*) AS "runs", 0 AS "events" FROM "runs"${where.sql} GROUP BY 2`,
  ];
  const params = [...where.params];
  if (usage.includes('run_id') && usage.includes('mechanism')) {
    // Runs are filtered alone, so a filter's column names never meet mechanism_usage's.
    parts.push(
      `SELECT 'cell', "r"."template_id", "m"."mechanism", count(DISTINCT "m"."run_id"), count(*) FROM ${quoteIdent('mechanism_usage')} AS "m" JOIN (SELECT "run_id", ${template} AS "template_id" FROM "runs"${where.sql}) AS "r" ON "r"."run_id" = "m"."run_id" GROUP BY 2, 3`,
    );
    params.push(...where.params);
  }
  const rows = await db.all(parts.join(' UNION ALL '), params).catch(asFilterError(f.where));
  const templates: TemplateCoverage[] = [];
  const cells: CoverageCell[] = [];
  for (const row of rows) {
    const templateId = row.template_id === null ? null : String(row.template_id);
    if (row.kind === 'template') templates.push({ templateId, runs: Number(row.runs) });
    else {
      cells.push({
        templateId,
        mechanism: String(row.mechanism),
        runs: Number(row.runs),
        events: Number(row.events),
      });
    }
  }
  templates.sort(templateOrder);
  const mechanisms = sortMechanisms(cells.map((c) => c.mechanism));
  const rank = new Map(templates.map((t, i) => [t.templateId, i]));
  const position = new Map(mechanisms.map((m, i) => [m, i]));
  cells.sort(
    (a, b) =>
      rank.get(a.templateId)! - rank.get(b.templateId)! ||
      position.get(a.mechanism)! - position.get(b.mechanism)!,
  );
  return { templates, mechanisms, cells };
}
