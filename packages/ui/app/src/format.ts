/** How the pages show values and name fields: one place, so every page agrees. */
import { SORT_KEYS, type SortKey } from '@runmeta/core/constants';

/** `cost_usd` → `costUsd`: the SDK's field name of a column. */
export function fieldOf(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Fields the pages derive as runmeta orders and filters by them (SPEC §3,
 * core's derived sort keys, `SORT_KEYS.created.from`): `created` is `createdAt`, else `startedAt`;
 * `updated` is `updatedAt`, else `completedAt` (a deployed file has only the
 * latter of each). `from` says so, for the column chooser.
 */
const DERIVED: Record<string, { of: (run: Record<string, unknown>) => unknown; from: string }> =
  Object.fromEntries(
    (Object.entries(SORT_KEYS) as [SortKey, { from?: readonly string[] }][]).flatMap(
      ([name, def]) => {
        if (!def.from) return [];
        const fields = def.from.map(fieldOf);
        const of = (run: Record<string, unknown>) =>
          fields.map((f) => run[f]).find((v) => v != null) ?? null;
        return [[name, { of, from: fields.join(', else ') }] as const];
      },
    ),
  );

/**
 * What the column chooser says beside a field's heading: the fields a derived
 * one is read from (`createdAt, else startedAt`), or the field's own name where
 * its heading is its sort key (`costUsd` beside `cost`); none otherwise.
 */
export function fieldNote(field: string): string | null {
  const derived = DERIVED[field];
  if (derived) return derived.from;
  return heading(field) === field ? null : field;
}

/** The sort key (`cost`) that orders by a field (`costUsd`, or a derived `created`), if any. */
export const SORT_KEY_OF_FIELD: ReadonlyMap<string, SortKey> = new Map(
  (Object.entries(SORT_KEYS) as [SortKey, { column: string }][]).map(([key, def]) => [
    key in DERIVED ? key : fieldOf(def.column),
    key,
  ]),
);

/**
 * A field's column heading: its sort key where it has one, as `--sort` and the
 * URL name it (`cost`, `llm calls`, `compliance`), else the field's own name.
 * Short headings keep the default columns within 1280 px.
 */
export function heading(field: string): string {
  return SORT_KEY_OF_FIELD.get(field)?.replaceAll('_', ' ') ?? field;
}

/** Fields whose values are times (`created`, `startedAt`…). */
const TIME_FIELD = /^(?:created|updated)$|At$/;
/** A stored ISO time: its date, its time to the second, and the rest (fraction, zone). */
const ISO_TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/**
 * A value as a table cell shows it: {@link show}, with a time field's ISO
 * time to the second (`2026-01-07 10:05:35`, `… UTC` for a `Z` time, its
 * offset otherwise); the cell's title keeps the stored text.
 */
export function cellText(value: unknown, field: string): string {
  if (typeof value === 'string' && TIME_FIELD.test(field)) {
    const match = ISO_TIME.exec(value);
    if (match) {
      const [, day, time, zone] = match;
      return `${day} ${time}${zone === undefined ? '' : zone === 'Z' ? ' UTC' : ` ${zone}`}`;
    }
  }
  return show(value, field);
}

/** Fields the run list shows until other columns are chosen. */
export const DEFAULT_FIELDS = [
  'runId',
  'templateId',
  'status',
  'causalMode',
  'created',
  'costUsd',
  'tokensUsed',
  'llmCalls',
  'tokenBudgetCompliance',
];

/** Fields of a run that are not columns of its own (shown elsewhere or not at all). */
const NOT_FIELDS = new Set(['extra', 'readIssues', 'mechanismsUsed']);

/** A run's fields in order, its extra columns as `extra.<column>`. */
export function fieldsOf(run: Record<string, unknown>): string[] {
  const extra = (run.extra ?? {}) as Record<string, unknown>;
  return [
    ...Object.keys(DERIVED),
    ...Object.keys(run).filter((k) => !NOT_FIELDS.has(k)),
    ...Object.keys(extra).map((k) => `extra.${k}`),
  ];
}

/** A field's value of a run (`extra.<column>` reads the extra columns). */
export function fieldValue(run: Record<string, unknown>, field: string): unknown {
  const derived = DERIVED[field];
  if (derived) return derived.of(run);
  if (field.startsWith('extra.')) {
    return ((run.extra ?? {}) as Record<string, unknown>)[field.slice(6)];
  }
  return run[field];
}

/*
 * One formatter each, made once: `toLocaleString` with options builds a new
 * Intl.NumberFormat per call, which was most of a 50-row table's render time.
 */
const GROUPED = new Intl.NumberFormat('en-US');
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const ROUNDED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });

/** A count as text, grouped for reading (12,345). */
export const count = (value: number): string => GROUPED.format(value);

const CENTS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
/**
 * Dollars: four decimals under $10 (one run costs cents), two above, three
 * significant digits under a cent (a tiny run is not $0); a loss as -$0.5.
 */
export const money = (value: number): string => {
  const size = Math.abs(value);
  const format = size > 0 && size < 0.01 ? SMALL : size < 10 ? ROUNDED : CENTS;
  return `${value < 0 ? '-' : ''}$${format.format(size)}`;
};

/** Fields whose numbers are dollars (`costUsd`, an extra column `cost_usd`). */
const MONEY_FIELD = /cost_?usd$/i;

const WITH_DECIMALS = new Map<number, Intl.NumberFormat>();
/** A formatter of at most `digits` decimals (0–20), made once per `digits`. */
export function decimals(digits: number): Intl.NumberFormat {
  let format = WITH_DECIMALS.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
    WITH_DECIMALS.set(digits, format);
  }
  return format;
}

/** Date formatters, made when first needed: making one costs a page's first load tens of ms. */
const CLOCKS = new Map<'time' | 'day', Intl.DateTimeFormat>();
function clockFormat(kind: 'time' | 'day'): Intl.DateTimeFormat {
  let format = CLOCKS.get(kind);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      ...(kind === 'day' ? { dateStyle: 'medium' } : {}),
      timeStyle: 'medium',
    });
    CLOCKS.set(kind, format);
  }
  return format;
}
/**
 * An ISO time as the reader's clock shows it: the time of day when it is
 * today, with the date when not (`10:42:07 AM`, `Nov 29, 2026, 10:42:07 AM`).
 */
export function clock(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  return clockFormat(at.toDateString() === now.toDateString() ? 'time' : 'day').format(at);
}

/**
 * A value as text: numbers grouped and rounded for reading, objects as JSON,
 * none as a dash. A year (`portalYear`, `origin_year`) is a name, not an
 * amount: never grouped (1825, not 1,825); a cost is in dollars ($0.0123).
 */
export function show(value: unknown, field?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && field !== undefined && /year$/i.test(field))
    return String(value);
  if (typeof value === 'number' && field !== undefined && MONEY_FIELD.test(field)) {
    return money(value);
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return GROUPED.format(value);
    // Small values keep three significant digits instead of rounding to 0.
    return Math.abs(value) < 0.01 ? SMALL.format(value) : ROUNDED.format(value);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Whether a cell is a number's (right-aligned): a number, or none in a field
 * whose sort key orders numbers (a running run's cost), so its dash lines up.
 */
export function isNumeric(value: unknown, field?: string): boolean {
  if (typeof value === 'number') return true;
  const key = field === undefined ? undefined : SORT_KEY_OF_FIELD.get(field);
  return value == null && key !== undefined && SORT_KEYS[key].kind === 'number';
}

/** A value as stored, for a cell's title: numbers unrounded and ungrouped, objects as JSON, none empty. */
export function storedText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A route query value as a list (`?ids=a,b` or `?ids=a&ids=b`). */
export function listParam(value: unknown): string[] {
  const values = Array.isArray(value)
    ? value
    : value === undefined || value === null
      ? []
      : [value];
  return values.flatMap((v) => String(v).split(',')).filter((v) => v !== '');
}

/** A route query value as one text, or undefined. */
export function textParam(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
