/**
 * OTLP/JSON read with the official OpenTelemetry protobuf definitions (the
 * `opentelemetry-proto` messages as compiled in `@opentelemetry/otlp-transformer`),
 * not with `JSON.parse` alone: each request is taken into the protobuf message
 * `ExportTraceServiceRequest`, encoded to bytes, decoded, and must come back
 * equal, so a misnamed field or a wrongly typed value (dropped or changed by the
 * schema) fails.
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** A decoded span, as the JSON gave it (ids in hex). */
export type DecodedSpan = {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; timeUnixNano: string; attributes?: unknown[] }[];
  status?: { code?: number; message?: string };
};

type Json = { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };

const spansOf = (request: Json) =>
  request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

/** Empty lists dropped: proto3 does not tell an empty repeated field from an absent one. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (!(Array.isArray(v) && v.length === 0)) out[key] = prune(v);
    }
    return out;
  }
  return value;
}

/** Decode one OTLP/JSON request body through the protobuf schema; returns its spans. */
export function decodeRequest(body: string): DecodedSpan[] {
  const json = JSON.parse(body) as Json;
  const input = JSON.parse(body) as Json;
  // OTLP/JSON writes ids in hex; protobuf's own JSON form takes bytes.
  for (const span of spansOf(input)) {
    span.traceId = Buffer.from(String(span.traceId), 'hex');
    span.spanId = Buffer.from(String(span.spanId), 'hex');
  }
  const bytes: Uint8Array = Request.encode(Request.fromObject(input)).finish();
  const back = Request.toObject(Request.decode(bytes), {
    longs: String,
    enums: Number,
    bytes: String,
  }) as Json;
  for (const span of spansOf(back)) {
    span.traceId = Buffer.from(String(span.traceId), 'base64').toString('hex');
    span.spanId = Buffer.from(String(span.spanId), 'base64').toString('hex');
  }
  expect(prune(back)).toEqual(prune(json));
  return spansOf(back) as unknown as DecodedSpan[];
}

/** The spans of OTLP/JSON lines (one request per line), each line decoded. */
export function decodeLines(text: string): { requests: number; spans: DecodedSpan[] } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return { requests: lines.length, spans: lines.flatMap(decodeRequest) };
}

/** An attribute's value of a decoded span, unwrapped (`{stringValue: 'x'}` → `'x'`). */
export function attribute(span: DecodedSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}
