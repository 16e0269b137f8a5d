/**
 * Saving a whole run (an upsert on `runId`): a run read back can be saved as it
 * is, so the fields reads add (`source`, `readIssues`, `mechanismsUsed`) are
 * dropped, and a field whose stored value could not be decoded is left alone
 * rather than overwritten with null.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TABLES } from '../columns/registry.js';
import { fieldIndex } from '../columns/rows.js';
import type { RunMetadata } from '../columns/run-record.js';
import { ValidationError } from '../errors.js';
import { parseOptions } from '../schema/options.js';
import type { ReadIssue } from '../schema/read-issue.js';
import { parseInput } from '../schema/validate.js';
import type { ManagerContext } from './context.js';
import { RunMetadataInput } from './inputs.js';
import { upsertRun } from './run-sql.js';

/** Insert or replace a whole run and return it as stored. */
export async function saveRun(
  context: ManagerContext,
  run: RunMetadataInput,
): Promise<RunMetadata> {
  const { extra, ...fields } = parseInput(
    RunMetadataInput,
    stripReadOnly(parseOptions(z.looseObject({}), run, { name: 'run' }) as RunMetadataInput),
  );
  // Deployed files declare started_at NOT NULL: mirror created_at as startRun does.
  if (fields.startedAt === undefined && fields.createdAt) fields.startedAt = fields.createdAt;
  const { columns, db } = context;
  const present = columns.of('runs');
  for (const name of Object.keys(extra ?? {})) {
    if (!present.includes(name) || fieldIndex(TABLES.runs).has(name)) {
      throw new ValidationError(
        `extra.${name}`,
        `the runs table has no column "${name}" outside the known fields`,
      );
    }
  }
  return columns.write(db, (tx) => upsertRun(tx, columns, fields, extra ?? {}));
}

/** Fields of a read run that are not stored (so a read run can be saved back). */
function stripReadOnly(run: RunMetadataInput): Record<string, unknown> {
  const {
    source: _source,
    readIssues: _issues,
    mechanismsUsed: _mechanisms,
    ...rest
  } = run as RunMetadataInput & {
    source?: unknown;
    readIssues?: ReadIssue[];
    mechanismsUsed?: unknown;
  };
  // A field whose stored value could not be decoded (bad JSON, unknown enum) is
  // left out: saving the run back must not replace the kept raw value with null.
  const index = fieldIndex(TABLES.runs);
  for (const issue of _issues ?? []) {
    const field = index.get(issue.column)?.[0];
    if (field) delete (rest as Record<string, unknown>)[field];
  }
  return rest;
}
