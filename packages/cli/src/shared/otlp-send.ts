/**
 * Sending OTLP/JSON trace requests to an OTLP/HTTP receiver (`export --format
 * otlp --endpoint`): one POST per batch, retried as the OTLP specification says
 * for the answers that mean "later" (429, 502, 503, 504: after `Retry-After`
 * when the receiver gives one, else with growing pauses), and refused with the
 * receiver's own words otherwise.
 */
import { CliUsageError } from '../usage-error.js';

/** Answers OTLP/HTTP marks retryable. */
const RETRYABLE = new Set([429, 502, 503, 504]);
/** Attempts per batch, the first included. */
export const OTLP_ATTEMPTS = 5;
/** The first pause between attempts; each next one doubles. */
const FIRST_PAUSE_MS = 250;
/** The longest pause a `Retry-After` may ask for. */
const MAX_PAUSE_MS = 30_000;
/** How long one request may wait for its answer (OTLP exporters' default). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Where and how to send. */
export interface OtlpTarget {
  endpoint: string;
  headers: Record<string, string>;
  /** Told of each retry (the answer that caused it and the pause), for a line on stderr. */
  onRetry?: (why: string, pauseMs: number) => void;
  /** Told when the receiver took a request but rejected some of its spans (OTLP partial success). */
  onRejected?: (spans: number, message: string) => void;
}

/**
 * Headers from `--header name=value` flags and the standard environment
 * variables (`OTEL_EXPORTER_OTLP_TRACES_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS`:
 * `name=value` pairs separated by commas, values percent-encoded); a flag wins.
 */
export function otlpHeaders(
  flags: readonly string[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const fromEnv = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS ?? '';
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS
    ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
    : 'OTEL_EXPORTER_OTLP_HEADERS';
  for (const pair of fromEnv.split(',').filter((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new CliUsageError(
        `${variable}: the value of ${pair.slice(0, at).trim()} is not percent-encoded correctly (write % as %25)`,
      );
    }
    headers[checkedName(pair.slice(0, at).trim(), variable)] = value;
  }
  for (const flag of flags) {
    // name=value, or name: value as curl writes it.
    const equals = flag.indexOf('=');
    const colon = flag.indexOf(':');
    const at = colon > 0 && (equals < 0 || colon < equals) ? colon : equals;
    if (at <= 0) {
      throw new CliUsageError(
        `--header ${flag}: give it as name=value, e.g. --header "Authorization=Basic <base64 of public:secret key>"`,
      );
    }
    headers[checkedName(flag.slice(0, at).trim(), '--header')] = flag.slice(at + 1).trim();
  }
  return headers;
}

/** An HTTP header name as RFC 9110 allows it (a token), or a refusal naming where it came from. */
function checkedName(name: string, from: string): string {
  if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return name;
  throw new CliUsageError(
    `${from}: "${name}" is not an HTTP header name (letters, digits and - only, no spaces)`,
  );
}

/** Check an `--endpoint` value: an http(s) URL (the receiver's full traces path). */
export function otlpEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliUsageError(
      `--endpoint ${value} is not a URL; give the receiver's traces URL, e.g. http://localhost:4318/v1/traces`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(
      `--endpoint ${value}: OTLP/HTTP needs an http:// or https:// URL, e.g. http://localhost:4318/v1/traces`,
    );
  }
  // A bare receiver address means its traces path, as OTEL_EXPORTER_OTLP_ENDPOINT does.
  if (url.pathname === '/' && !value.endsWith('/')) url.pathname = '/v1/traces';
  return url.href;
}

/** POST one request body; resolves once the receiver took it. */
export async function sendOtlp(target: OtlpTarget, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(target.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body,
        // A receiver that never answers is given up on, as OTLP exporters do (then tried again).
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      // A connection refused or reset may be a receiver restarting: tried again, as OTLP asks.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const timedOut = (error as Error).name === 'TimeoutError';
      const why = timedOut
        ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
      if (attempt < OTLP_ATTEMPTS) {
        const pause = pauseOf(null, attempt);
        target.onRetry?.(`could not be reached (${why})`, pause);
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      throw new CliUsageError(
        `cannot reach the OTLP receiver at ${target.endpoint} (${why}, ${attempt} attempts); check --endpoint and that the receiver runs`,
      );
    }
    if (response.ok) {
      rejectedOf(text, target);
      return;
    }
    if (!RETRYABLE.has(response.status) || attempt >= OTLP_ATTEMPTS) {
      const said = text.trim().replace(/\s+/g, ' ').slice(0, 300);
      const retried = attempt > 1 ? ` after ${attempt} attempts` : '';
      throw new CliUsageError(
        `the OTLP receiver at ${target.endpoint} refused the spans${retried}: HTTP ${response.status}${said ? ` ${said}` : ''}${
          response.status === 401 || response.status === 403
            ? '; check the credentials given with --header (or OTEL_EXPORTER_OTLP_HEADERS)'
            : response.status === 415 || /content-type|protobuf/i.test(said)
              ? '; this receiver does not take OTLP/JSON: send to an OpenTelemetry Collector, whose otlphttp exporter forwards protobuf'
              : ''
        }`,
      );
    }
    const pause = pauseOf(response.headers.get('retry-after'), attempt);
    target.onRetry?.(`HTTP ${response.status}`, pause);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** The pause before attempt `attempt + 1`: the receiver's `Retry-After` (seconds or a date), else doubling. */
function pauseOf(retryAfter: string | null, attempt: number): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_PAUSE_MS);
  }
  return FIRST_PAUSE_MS * 2 ** (attempt - 1);
}

/** An OTLP partial success (`{"partialSuccess":{"rejectedSpans":"3","errorMessage":…}}`), passed on. */
function rejectedOf(text: string, target: OtlpTarget): void {
  let answer: { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
  try {
    answer = JSON.parse(text);
  } catch {
    return; // An empty or non-JSON body: a plain success.
  }
  const rejected = Number(answer?.partialSuccess?.rejectedSpans ?? 0);
  if (rejected > 0) target.onRejected?.(rejected, answer.partialSuccess?.errorMessage ?? '');
}
