/**
 * A run as an OpenTelemetry trace: OTLP/JSON (the proto3 JSON mapping with
 * OTLP's two exceptions: trace and span ids in hex, enums as numbers), so runs
 * can go to any OTLP receiver — Langfuse, Phoenix, MLflow, an OpenTelemetry
 * Collector.
 *
 * - Each run is one root span, named `invoke_workflow <template>` as the GenAI
 *   conventions name a workflow's span. Its trace id and span id are derived
 *   from the run id (SHA-256), so exporting a run again sends the same ids and
 *   a receiver can deduplicate.
 * - Start and end are the run's times (a stored time without a zone is UTC, as
 *   everywhere in runmeta); a run still running ends where it started, or at its
 *   last event, so every event lies within its span.
 * - A failed run has status ERROR with its error message, a completed one OK.
 * - Every field is an attribute `runmeta.<field>` (snake_case; columns runmeta
 *   does not know as `runmeta.extra.<column>`), and the GenAI conventions' keys
 *   where one fits: `gen_ai.operation.name`, `gen_ai.workflow.name`,
 *   `gen_ai.conversation.id`, and `error.type` for failed runs.
 * - Mechanism events, resolution assignments and validations are span events,
 *   at their own times, with their fields as attributes.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { DUMP_CHILDREN, type DumpChildKey } from '../columns/dump-order.js';
import { type ColumnDef, TABLES, type TableDef } from '../columns/registry.js';
import { timeKey } from '../schema/time.js';
import type { SqlType } from '../sql/sql-type.js';
import { SDK_VERSION } from '../version.js';

/** An OTLP `AnyValue` in JSON. */
export type OtlpValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpValue[] } };

/** An OTLP `KeyValue` in JSON. */
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** An OTLP span event in JSON. */
export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpAttribute[];
}

/** An OTLP span in JSON (the fields runmeta sets). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  /** `SPAN_KIND_INTERNAL`: a run is work inside the simulation, not a call. */
  kind: 1;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  events: OtlpEvent[];
  /** Unset (`{}`: running), 1 OK (completed), 2 ERROR (failed, with the error message). */
  status: { code?: 1 | 2; message?: string };
}

/** The attribute keys of the GenAI semantic conventions a run fills, and what from. */
export const OTLP_GENAI_ATTRIBUTES = {
  'gen_ai.operation.name': '"invoke_workflow" (a run is one run of a simulation workflow)',
  'gen_ai.workflow.name': 'templateId',
  'gen_ai.conversation.id': 'runId',
  'error.type': '"run_failed", on failed runs',
} as const;

/** The service every span is sent as (`service.name` of the resource). */
export const OTLP_SERVICE_NAME = 'runmeta';

/** The trace id and span id of a run's span: hex of the SHA-256 of its id (never all zeros). */
export function otlpIds(runId: string): { traceId: string; spanId: string } {
  const hash = createHash('sha256').update(`runmeta run ${runId}`).digest('hex');
  // An all-zero id is invalid in OTLP; the odds are 2^-128, but it costs one check.
  const nonZero = (hex: string) => (/^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex);
  return { traceId: nonZero(hash.slice(0, 32)), spanId: nonZero(hash.slice(32, 48)) };
}

/**
 * A stored time as nanoseconds since the Unix epoch (a decimal string, as OTLP's
 * JSON writes 64-bit integers), or null when it is not a time runmeta
 * recognises or is before 1970 (OTLP times are unsigned). Fraction digits past
 * nanoseconds are dropped.
 */
export function unixNanos(value: unknown): string | null {
  const key = timeKey(value);
  if (key === null) return null;
  const [whole, digits = ''] = key.split('.');
  const ms = Date.parse(`${whole}Z`);
  // OTLP times are unsigned: a time before 1970 cannot be sent.
  if (Number.isNaN(ms) || ms < 0) return null;
  return (BigInt(ms) * 1_000_000n + BigInt(digits.padEnd(9, '0').slice(0, 9))).toString();
}

type ReadRecord = Record<string, unknown> & { extra?: Record<string, unknown> };

/** JSON text of a value; an exact 64-bit integer inside it is written with every digit. */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Order of two nanosecond strings (decimal integers). */
const compareNanos = (a: string, b: string) => {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/** `costUsd` → `cost_usd`. */
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A value as an OTLP attribute value; null for no value (the attribute is left
 * out). A number keeps its column's kind, so `cost_usd` is a double on every
 * span, 1 included; a column runmeta does not know goes by the value.
 */
function otlpValue(value: unknown, sqlType: SqlType | undefined): OtlpValue | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  // An exact 64-bit integer (a server's BIGINT) keeps every digit.
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { stringValue: String(value) };
    const integer = sqlType ? sqlType === 'INTEGER' : Number.isInteger(value);
    return integer && Number.isSafeInteger(value)
      ? { intValue: String(value) }
      : { doubleValue: value };
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
  }
  // Objects (a JSON column: context, fidelity distribution, strategy) as their JSON.
  return { stringValue: jsonText(value) };
}

/**
 * Attributes `runmeta.<field>` of every field of `record` (a row of `table`)
 * but `skip`, and `runmeta.extra.<column>` of its `extra`.
 */
function attributesOf(
  record: ReadRecord,
  table: TableDef,
  skip: readonly string[],
): OtlpAttribute[] {
  const attributes: OtlpAttribute[] = [];
  const columns = table.columns as Record<string, ColumnDef>;
  const add = (key: string, raw: unknown, sqlType?: SqlType) => {
    const value = otlpValue(raw, sqlType);
    if (value) attributes.push({ key, value });
  };
  for (const [field, value] of Object.entries(record)) {
    if (skip.includes(field) || field === 'extra') continue;
    add(`runmeta.${snake(field)}`, value, columns[field]?.sqlType);
  }
  for (const [column, value] of Object.entries(record.extra ?? {})) {
    add(`runmeta.extra.${column}`, value);
  }
  return attributes;
}

/** The child keys of a run with children, and the event name each becomes. */
const EVENT_KINDS = [
  ['mechanisms', 'runmeta.mechanism'],
  ['resolutions', 'runmeta.resolution'],
  ['validations', 'runmeta.validation'],
] as const satisfies readonly (readonly [DumpChildKey, string])[];

/**
 * A run (with its child records, as `iterateRuns` reads it with `withChildren`)
 * as one OTLP span, or null when it has no time to place it at (neither a
 * creation nor a start time runmeta recognises).
 */
export function otlpSpan(run: object): OtlpSpan | null {
  const r = run as ReadRecord;
  const start = unixNanos(r.createdAt) ?? unixNanos(r.startedAt);
  if (start === null) return null;
  const status = String(r.status ?? '').toLowerCase();
  const finished = status === 'completed' || status === 'failed';
  const endOf = unixNanos(r.completedAt) ?? unixNanos(r.updatedAt);
  let end = finished && endOf !== null && compareNanos(endOf, start) >= 0 ? endOf : start;
  const runId = String(r.runId);
  const template = typeof r.templateId === 'string' ? r.templateId : 'run';
  const attributes: OtlpAttribute[] = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'invoke_workflow' } },
    { key: 'gen_ai.workflow.name', value: { stringValue: template } },
    { key: 'gen_ai.conversation.id', value: { stringValue: runId } },
  ];
  if (status === 'failed')
    attributes.push({ key: 'error.type', value: { stringValue: 'run_failed' } });
  const children = EVENT_KINDS.map(([key]) => key as string);
  attributes.push(...attributesOf(r, TABLES.runs, children));
  const events: OtlpEvent[] = [];
  for (const [key, name] of EVENT_KINDS) {
    for (const child of (r[key] as ReadRecord[] | undefined) ?? []) {
      events.push({
        timeUnixNano: unixNanos(child.timestamp) ?? start,
        name,
        attributes: attributesOf(child, DUMP_CHILDREN[key], ['timestamp']),
      });
    }
  }
  // In time order (stable: recorded order among equal times), and inside the span.
  events.sort((a, b) => compareNanos(a.timeUnixNano, b.timeUnixNano));
  const lastEvent = events.at(-1)?.timeUnixNano;
  if (lastEvent !== undefined && compareNanos(lastEvent, end) > 0) end = lastEvent;
  return {
    ...otlpIds(runId),
    name: `invoke_workflow ${template}`,
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes,
    events,
    // Unset (a running run) is the empty status: proto3 JSON leaves out default values.
    status:
      status === 'failed'
        ? { code: 2, message: typeof r.errorMessage === 'string' ? r.errorMessage : 'failed' }
        : status === 'completed'
          ? { code: 1 }
          : {},
  };
}

/**
 * Spans as one OTLP/JSON `ExportTraceServiceRequest`: one resource
 * (`service.name` = `runmeta`) and one instrumentation scope (`runmeta`, with
 * this version). This is the body an OTLP/HTTP receiver takes at `/v1/traces`,
 * and one line of the OpenTelemetry Collector's JSON-lines file format.
 */
export function otlpTraceRequest(spans: readonly OtlpSpan[]): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: OTLP_SERVICE_NAME } }],
        },
        scopeSpans: [{ scope: { name: 'runmeta', version: SDK_VERSION }, spans }],
      },
    ],
  };
}
