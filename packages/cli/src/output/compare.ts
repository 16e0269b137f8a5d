/**
 * Runs side by side as text (`runmeta compare`): a table with one row per field
 * and one column per run — numeric values with their delta from the baseline,
 * rows that differ marked `≠` (and coloured) — then the mechanisms (events per
 * run, shared and only in one run), fidelity distributions and validations.
 * Columns have fixed widths; long values are cut with `…` (`--json` has them whole).
 */
import type { FieldComparison, FieldDelta, RunComparison } from '@runmeta/core';
import type { Colors } from '../context.js';
import { createTableWriter, type TableColumn } from './table.js';

/** Widest a run's column grows before its values are cut with `…`. */
const RUN_COLUMN_MAX = 40;
/** Widest the field-name column grows (`extra.<column>` names can be long). */
const FIELD_COLUMN_MAX = 32;
/** The mark of a row whose values differ. */
export const DIFFERS_MARK = '≠';

/** What the rendering is asked for. */
export interface CompareTextOptions {
  /** Leave out the fields whose values are the same in every run. */
  onlyDifferences: boolean;
  color: Colors;
}

/** A number as a cell: whole numbers exactly, others to 6 significant digits (`--json` has every digit). */
export function numberText(n: number): string {
  return Number.isInteger(n) || !Number.isFinite(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** One value as a cell: objects as compact JSON, missing as `—` (the table's own). */
function valueText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return numberText(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A signed number, as {@link numberText} shows it. */
function signed(n: number): string {
  return n > 0 ? `+${numberText(n)}` : numberText(n);
}

/** `0.52 (+0.12, +30.0%)`: a value with its delta, when it has one and it is not 0. */
export function withDelta(value: unknown, delta: FieldDelta | undefined): string | null {
  const text = valueText(value);
  if (text === null || !delta || delta.absolute === null || delta.absolute === 0) return text;
  const percent =
    delta.percent === null ? '' : `, ${delta.percent > 0 ? '+' : ''}${delta.percent.toFixed(1)}%`;
  return `${text} (${signed(delta.absolute)}${percent})`;
}

/** A small table written at once, with a mark column whose rows may be coloured. */
function markedTable<R>(
  columns: TableColumn<R>[],
  rows: readonly R[],
  marked: (row: R) => boolean,
  color: Colors,
): string {
  let text = '';
  // The padding stays outside the colour, so a line's trailing spaces are still trimmed.
  const style = (cell: string, row: R) => {
    if (!marked(row)) return cell;
    const text = cell.trimEnd();
    return color.yellow(text) + cell.slice(text.length);
  };
  const writer = createTableWriter(
    [
      { header: '', value: (row: R) => (marked(row) ? DIFFERS_MARK : ''), min: 1, style },
      ...columns.map((c) => ({ ...c, style })),
    ],
    (chunk) => {
      text += chunk;
    },
  );
  writer.add(rows);
  return text.replace(/\n$/, '');
}

/** The run columns' headers: each run id, the baseline's marked, archived runs said. */
function runHeaders(result: RunComparison): string[] {
  return result.runs.map((run) => {
    const notes = [
      run.runId === result.baseline ? 'baseline' : '',
      run.source === 'archive' ? 'archive' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return notes ? `${run.runId} (${notes})` : run.runId;
  });
}

function fieldsTable(
  result: RunComparison,
  options: CompareTextOptions,
  headers: string[],
): string {
  // The run ids head the columns; a row of them would only repeat the header.
  const rows = result.fields.filter(
    (f) => f.field !== 'runId' && (!options.onlyDifferences || f.differs),
  );
  if (rows.length === 0) return '  (every field is the same in every run)';
  return markedTable<FieldComparison>(
    [
      { header: 'field', value: (f) => f.field, max: FIELD_COLUMN_MAX },
      ...headers.map(
        (header, i): TableColumn<FieldComparison> => ({
          header,
          value: (f) => withDelta(f.values[i], f.deltas?.[i]),
          max: RUN_COLUMN_MAX,
        }),
      ),
    ],
    rows,
    (f) => f.differs,
    options.color,
  );
}

function mechanismsSection(result: RunComparison, color: Colors, headers: string[]): string[] {
  const { events, shared, only } = result.mechanisms;
  if (events.length === 0) return ['  (no mechanism events recorded)'];
  const table = markedTable<(typeof events)[number]>(
    [
      { header: 'mechanism', value: (m) => m.mechanism, max: FIELD_COLUMN_MAX },
      ...headers.map(
        (header, i): TableColumn<(typeof events)[number]> => ({
          header,
          value: (m) => m.events[i],
          align: 'right',
          max: RUN_COLUMN_MAX,
        }),
      ),
    ],
    events,
    (m) => m.events.some((n) => n !== m.events[0]),
    color,
  );
  const list = (names: readonly string[]) => (names.length ? names.join(', ') : '—');
  return [
    table,
    '',
    `shared by all: ${list(shared)}`,
    ...result.runs.map((run, i) => `only in ${run.runId}: ${list(only[i] ?? [])}`),
  ];
}

function fidelitySection(result: RunComparison, color: Colors, headers: string[]): string[] {
  const { levels, distributions, derived } = result.fidelity;
  if (levels.length === 0) return ['  (no fidelity distributions recorded)'];
  const marked = headers.map((header, i) => (derived[i] ? `${header} *` : header));
  const countOf = (level: string, i: number) => {
    const distribution = distributions[i];
    return distribution ? (distribution[level] ?? 0) : null;
  };
  const lines = [
    markedTable<string>(
      [
        { header: 'level', value: (level) => level.toUpperCase(), max: FIELD_COLUMN_MAX },
        ...marked.map(
          (header, i): TableColumn<string> => ({
            header,
            value: (level) => countOf(level, i),
            align: 'right',
            max: RUN_COLUMN_MAX,
          }),
        ),
      ],
      levels,
      (level) => distributions.some((_, i) => countOf(level, i) !== countOf(level, 0)),
      color,
    ),
  ];
  if (derived.some(Boolean)) {
    lines.push(
      '',
      '* derived from the run’s resolution assignments (a v1 run stores no distribution)',
    );
  }
  return lines;
}

function validationsSection(result: RunComparison, color: Colors): string[] {
  if (result.validations.every((v) => v.total === 0)) return ['  (no validations recorded)'];
  const rows = result.runs.map((run, i) => ({ runId: run.runId, ...result.validations[i]! }));
  return [
    markedTable<(typeof rows)[number]>(
      [
        { header: 'run', value: (r) => r.runId, whole: true },
        { header: 'passed', value: (r) => r.passed, align: 'right' },
        { header: 'failed', value: (r) => r.failed, align: 'right' },
        {
          header: 'failed validators',
          value: (r) => (r.failedValidators.length ? r.failedValidators.join(', ') : null),
          max: 60,
        },
      ],
      rows,
      (r) => r.failed > 0,
      color,
    ),
  ];
}

/** The whole comparison as text. */
export function renderComparison(result: RunComparison, options: CompareTextOptions): string {
  const { color } = options;
  const headers = runHeaders(result);
  const differing = result.fields.filter((f) => f.differs && f.field !== 'runId').length;
  return [
    `${result.runs.length} runs, deltas against ${result.baseline}; ${differing} field(s) differ (${DIFFERS_MARK}).`,
    '',
    fieldsTable(result, options, headers),
    '',
    color.bold('Mechanisms (events per run)'),
    ...mechanismsSection(result, color, headers),
    '',
    color.bold('Fidelity distribution (entities per level)'),
    ...fidelitySection(result, color, headers),
    '',
    color.bold('Validations'),
    ...validationsSection(result, color),
  ].join('\n');
}
