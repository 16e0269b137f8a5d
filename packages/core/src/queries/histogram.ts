/**
 * The distribution of one numeric field over the runs a filter selects (the
 * dashboard's compliance histogram): runs per bin of equal width. Two
 * statements, each one pass in the database: the field's count and range, then
 * every bin counted at once against edges chosen in TypeScript, so a bin's
 * bounds are the same numbers on every backend and a value on an edge falls in
 * the bin it starts.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { quoteIdent } from '../sql/quote.js';
import { compileFilter, RunQueryFilterSchema, whereSql } from './run-query.js';
import { SORT_KEYS, type SortKey } from './sort-key-defs.js';

/** The sort keys that are numbers: the fields a histogram can be of. */
export const HISTOGRAM_FIELDS = (Object.keys(SORT_KEYS) as SortKey[]).filter(
  (key) => SORT_KEYS[key].kind === 'number',
);

/** A field {@link runHistogram} can count. */
export type HistogramField = (typeof HISTOGRAM_FIELDS)[number];

/** Most bins a histogram has (one statement counts them all, a sum each). */
export const MOST_HISTOGRAM_BINS = 100;

const HistogramSchema = z.extend(RunQueryFilterSchema, {
  /** The field (a numeric sort key; default `compliance`). */
  field: z.optional(z.enum(HISTOGRAM_FIELDS as [HistogramField, ...HistogramField[]])),
  /** About how many bins (default 20): the width is rounded to 1, 2, 2.5 or 5 × a power of ten. */
  bins: z.optional(z.int().check(z.gte(1), z.lte(MOST_HISTOGRAM_BINS))),
  /**
   * Where the bins end: the last bin is the one holding this value (it ends
   * at the next round edge), and the values past that bin are counted in
   * `above`, not binned — so a few outliers (a compliance of 158) do not
   * squeeze every other run into one bin. When every value is past it, there
   * is no bin and `above` counts every run.
   */
  upTo: z.optional(z.number().check(z.gte(-1e308), z.lte(1e308))),
});

/** What {@link runHistogram} takes: the field, about how many bins, and the filter of the runs. */
export type HistogramOptions = z.input<typeof HistogramSchema>;

/** One bin: the runs whose value is at least `from` and below `to` (the last bin includes its `to`). */
export interface HistogramBin {
  from: number;
  to: number;
  runs: number;
}

/** What {@link runHistogram} returns. */
export interface RunHistogram {
  field: HistogramField;
  /** The runs column counted. */
  column: string;
  /** Runs with a number (runs without one, or with text stored instead, are not binned). */
  runs: number;
  min: number | null;
  max: number | null;
  /** The width of every bin (0 when every value is the same). */
  width: number;
  /**
   * Consecutive bins from the one holding `min` to the one holding `max` (or
   * to `upTo`, when given and below `max`), empty bins included.
   */
  bins: HistogramBin[];
  /** Runs whose value is past the last bin's end (only with `upTo`; else 0). */
  above: number;
}

/** A round width near `raw`: 1, 2, 2.5 or 5 × a power of ten. */
function roundWidth(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-12)) ?? 10;
  return edgeNumber(step * power);
}

/**
 * An edge as a short number (0.3, not 0.30000000000000004): 15 significant
 * digits, finer than any width {@link histogramEdges} chooses at that scale.
 */
const edgeNumber = (value: number): number => Number(value.toPrecision(15));

/**
 * The bins' edges: from a multiple of a round width at or below `min`, on
 * until past `max` — at most `bins` + 2 bins. Values equal to within
 * floating-point noise (a billionth of their size) are one bin, `[min, max]`;
 * no edges without two finite numbers.
 */
export function histogramEdges(min: number, max: number, bins: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const scale = Math.max(Math.abs(min), Math.abs(max));
  if (max - min <= scale * 1e-9) return [min, max];
  // Divided first: the span of ±1e308 is not a finite number, its bin-th part is.
  const width = roundWidth(max / bins - min / bins);
  let first = Math.floor(min / width);
  while (edgeNumber(first * width) > min) first--;
  const edges = [edgeNumber(first * width)];
  while (edges.at(-1)! <= max && edges.length <= bins + 2) {
    edges.push(edgeNumber((first + edges.length) * width));
  }
  return edges;
}

/**
 * Runs per bin of `options.field` (default `compliance`) over the runs the
 * filter selects (the filters of a run list, meaning the same runs). Bins are
 * of one round width, chosen so that about `options.bins` (default 20) cover
 * the values, and start at a multiple of it: compliance bins have an edge at
 * 1.0, the budget line.
 *
 * @example
 * ```ts
 * const { bins } = await runHistogram(manager, { field: 'compliance', templateId: 'board_meeting' });
 * ```
 */
export async function runHistogram(
  manager: Pick<MetadataManager, 'runsView'>,
  options: HistogramOptions = {},
): Promise<RunHistogram> {
  const { options: o, filter: f } = await compileFilter(
    manager,
    options,
    HistogramSchema,
    'options',
  );
  const field = o.field ?? 'compliance';
  const column = SORT_KEYS[field].column;
  const empty: RunHistogram = {
    field,
    column,
    runs: 0,
    min: null,
    max: null,
    width: 0,
    bins: [],
    above: 0,
  };
  if (!f.view.columns.includes(column)) return empty;
  const c = quoteIdent(column);
  // Numbers only: text stored in the column (SQLite orders it after every
  // number), infinities and NaN fall outside this range on every backend.
  const where = whereSql([...f.conditions, `${c} BETWEEN -1e308 AND 1e308`]);
  const [range] = await f.all(
    `SELECT count(${c}) AS "n", min(${c}) AS "lo", max(${c}) AS "hi" FROM ${f.view.from}${where}`,
    f.params,
  );
  const runs = Number(range?.n ?? 0);
  if (runs === 0) return empty;
  const [min, max] = [Number(range!.lo), Number(range!.hi)];
  // Every value past `upTo`: no bin, all above.
  if (o.upTo !== undefined && min > o.upTo) return { ...empty, runs, min, max, above: runs };
  const edges = histogramEdges(min, Math.min(max, o.upTo ?? max), o.bins ?? 20);
  if (edges.length < 2) return { ...empty, runs, min, max };
  const count = edges.length - 1;
  // One sum per bin, each comparing against its own edges: the last bin also
  // takes its upper edge (the maximum, when every value is the same).
  const sums = Array.from(
    { length: count },
    (_, i) =>
      `sum(CASE WHEN ${c} >= ? AND ${c} ${i === count - 1 ? '<=' : '<'} ? THEN 1 ELSE 0 END) AS "b${i}"`,
  );
  const [row] = await f.all(`SELECT ${sums.join(', ')} FROM ${f.view.from}${where}`, [
    ...edges.slice(0, -1).flatMap((from, i) => [from, edges[i + 1]!]),
    ...f.params,
  ]);
  const bins = edges
    .slice(0, -1)
    .map((from, i) => ({ from, to: edges[i + 1]!, runs: Number(row?.[`b${i}`] ?? 0) }));
  // What no bin holds is past the last one (every value is at or above the first edge).
  const above = runs - bins.reduce((sum, bin) => sum + bin.runs, 0);
  return { field, column, runs, min, max, width: edgeNumber(edges[1]! - edges[0]!), bins, above };
}
