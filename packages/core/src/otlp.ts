/**
 * `@runmeta/core/otlp` — runs as OpenTelemetry traces (OTLP/JSON), for any OTLP
 * receiver: Langfuse, Phoenix, MLflow, an OpenTelemetry Collector. Read runs
 * with `iterateRuns(filter, { withChildren: true })`, turn each into a span with
 * {@link otlpSpan}, and send batches as {@link otlpTraceRequest} bodies
 * (`runmeta export --format otlp` does exactly this). Node only: ids are hashed
 * with `node:crypto`.
 *
 * @packageDocumentation
 */
export {
  OTLP_GENAI_ATTRIBUTES,
  OTLP_SERVICE_NAME,
  type OtlpAttribute,
  type OtlpEvent,
  type OtlpSpan,
  type OtlpValue,
  otlpIds,
  otlpSpan,
  otlpTraceRequest,
  unixNanos,
} from './interchange/otlp-span.js';
