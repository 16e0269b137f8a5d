/**
 * What travels between the `runmeta ui` server and its client besides the
 * query: answers as JSON (a bigint, which JSON has no form for, as a number
 * when it is one exactly, else as its digits), and errors as one JSON shape
 * with the HTTP status their kind calls for.
 *
 * @packageDocumentation
 */
import { RunmetaError, RunNotFoundError, ValidationError } from '@runmeta/core';

/** An answer as JSON text. */
export function answerJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v,
  );
}

/** The body of a refused request: what was wrong and what to do, in SDK words. */
export interface ApiErrorBody {
  error: {
    /** The error's class in core (`ValidationError`, `RunNotFoundError`…), or `Error`. */
    name: string;
    /** Core's stable code (`RUNMETA_VALIDATION`…); `RUNMETA_UI` for the server's own refusals. */
    code: string;
    /** What went wrong. */
    problem: string;
    /** What to do about it, when there is advice (a `--where` error ends with the filter and a caret under the fault). */
    hint: string | null;
    /**
     * The option a `ValidationError` rejected, as the SDK names it
     * (`options.sort`, `filter.since`): a client can say it in its own words.
     */
    field?: string;
  };
}

/**
 * A refusal already put in the API's words (by a worker answering for the
 * server): passed on as it is.
 */
export class AnsweredError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody;
  constructor(status: number, body: ApiErrorBody) {
    super(body.error.problem);
    this.name = 'AnsweredError';
    this.status = status;
    this.body = body;
  }
}

/** The HTTP status and body of an error thrown while answering. */
export function errorAnswer(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof AnsweredError) return { status: error.status, body: error.body };
  if (error instanceof RunmetaError) {
    // Exit code 2 is bad input (a filter, an option, an id); 3 and 1 are the database's or ours.
    const status = error instanceof RunNotFoundError ? 404 : error.exitCode === 2 ? 400 : 500;
    return {
      status,
      body: {
        error: {
          name: error.name,
          code: error.code,
          problem: error.problem,
          hint: error.hint ?? null,
          ...(error instanceof ValidationError ? { field: error.field } : {}),
        },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        name: 'Error',
        code: 'RUNMETA_UI',
        problem: error instanceof Error ? error.message : String(error),
        hint: 'This is a bug in runmeta: the server log has the details',
      },
    },
  };
}

/** A refusal of the server's own (not core's): an unknown path, a method, a host. */
export function refusal(problem: string, hint: string): ApiErrorBody {
  return { error: { name: 'Error', code: 'RUNMETA_UI', problem, hint } };
}
