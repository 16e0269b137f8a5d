/**
 * The OpenTelemetry side of `export --format otlp`: runs become spans (core's
 * `@runmeta/core/otlp`), 100 to an OTLP/JSON request, each request a line of
 * output or a POST to `--endpoint`.
 */
import { type OtlpSpan, otlpSpan, otlpTraceRequest } from '@runmeta/core/otlp';
import type { CliContext } from '../context.js';
import { type OtlpTarget, otlpEndpoint, otlpHeaders, sendOtlp } from '../shared/otlp-send.js';
import { CliUsageError } from '../usage-error.js';

/** Runs per OTLP request: small enough for any receiver's body limit (a run with 50 events is about 20 kB). */
export const RUNS_PER_REQUEST = 100;

/** Spans gathered into requests: each request is returned as a line, or sent. */
export interface OtlpBatches {
  /** Add a run; a full request comes back as a line to write (null when sent, or not full yet). */
  add(run: object): Promise<string | null>;
  /** The last, partial request (null when there is none, or it was sent). */
  end(): Promise<string | null>;
  /** What was sent or written, for the closing line on stderr. */
  summary(): { spans: number; requests: number; withoutTime: number; rejected: number };
}

/** Check the otlp flags and make the batches (sending when `--endpoint` is given). */
export function otlpBatches(ctx: CliContext, options: Record<string, unknown>): OtlpBatches {
  const headerFlags = (options.header as string[] | undefined) ?? [];
  let target: OtlpTarget | null = null;
  let rejected = 0;
  if (options.endpoint !== undefined) {
    if (options.out !== undefined) {
      throw new CliUsageError('give either --out or --endpoint: the spans go to one place');
    }
    target = {
      endpoint: otlpEndpoint(String(options.endpoint)),
      headers: otlpHeaders(headerFlags, ctx.streams.env),
      onRetry: (why, pause) =>
        ctx.info(
          `the OTLP receiver ${why.startsWith('could not') ? why : `answered ${why}`}; trying again in ${pause} ms`,
        ),
      onRejected: (spans, message) => {
        rejected += spans;
        ctx.warn(
          `the OTLP receiver rejected ${spans} span(s) of a request${message ? `: ${message}` : ''}`,
        );
      },
    };
  } else if (headerFlags.length) {
    throw new CliUsageError('--header goes with --endpoint: it is sent to the OTLP receiver');
  }
  let spans: OtlpSpan[] = [];
  let sent = 0;
  let requests = 0;
  let withoutTime = 0;
  const flush = async (): Promise<string | null> => {
    if (spans.length === 0) return null;
    const body = JSON.stringify(otlpTraceRequest(spans));
    const before = sent;
    sent += spans.length;
    requests++;
    spans = [];
    if (!target) return body;
    try {
      await sendOtlp(target, body);
    } catch (error) {
      if (!(error instanceof CliUsageError) || before === 0) throw error;
      throw new CliUsageError(
        `${error.message}; ${before} run(s) were sent before this request, and sending them again is safe: their span ids come from their run ids, so a receiver keeps one of each`,
      );
    }
    return null;
  };
  return {
    async add(run) {
      const span = otlpSpan(run);
      if (!span) {
        withoutTime++;
        return null;
      }
      spans.push(span);
      return spans.length >= RUNS_PER_REQUEST ? flush() : null;
    },
    end: flush,
    summary: () => ({ spans: sent, requests, withoutTime, rejected }),
  };
}

/** Only otlp takes --endpoint and --header. */
export function refuseOtlpFlags(options: Record<string, unknown>): void {
  for (const [key, flag] of [
    ['endpoint', '--endpoint'],
    ['header', '--header'],
  ] as const) {
    if (options[key] !== undefined) {
      throw new CliUsageError(`${flag} goes with --format otlp (it sends OpenTelemetry traces)`);
    }
  }
}
