/**
 * A run database is untrusted input. SQLite keeps code in the file: a view runs
 * its query whenever it is read, a trigger runs its statements whenever its table
 * is written. runmeta runs none of it, so before it uses a database it did not
 * create in the same call it looks at what stands under its own table names:
 *
 * - a view or virtual table where one of its tables belongs is refused for every
 *   use (reading it would run foreign code, or never end);
 * - a trigger on one of its tables is refused before anything is written into
 *   that file (every write would run it); reading is unaffected, since reads fire
 *   no trigger.
 *
 * runmeta itself declares no view and no trigger, so anything found is foreign.
 * Connections also run with SQLite's `trusted_schema = OFF` (see the adapters), so
 * code in a file cannot call functions with side effects even where it does run.
 *
 * @packageDocumentation
 */
import { CHILD_TABLES, TABLES } from '../columns/registry.js';
import { UnsafeSchemaError } from '../errors.js';
import type { ObservedSchema, SchemaObject } from '../sql/observed-schema.js';

/** The tables runmeta reads and writes by name. */
export const RUNMETA_TABLES: readonly string[] = [TABLES.runs, ...CHILD_TABLES, TABLES.history].map(
  (t) => t.name,
);

// SQLite names are case-insensitive: a view `RUNS` stands where `runs` belongs.
const ours = (name: string) => RUNMETA_TABLES.includes(name.toLowerCase());

/** Views and virtual tables standing under one of runmeta's table names. */
export function standIns(schema: ObservedSchema): SchemaObject[] {
  return (schema.objects ?? []).filter((o) => o.kind !== 'trigger' && ours(o.name));
}

/** Triggers on the tables runmeta writes. */
export function foreignTriggers(schema: ObservedSchema): SchemaObject[] {
  return (schema.objects ?? []).filter((o) => o.kind === 'trigger' && ours(o.table));
}

/** Refuse a database that is to be read when a view or virtual table stands in for one of runmeta's tables. */
export function refuseStandIns(schema: ObservedSchema, location: string): void {
  const found = standIns(schema);
  if (found.length) throw new UnsafeSchemaError(location, found);
}

/** Refuse a database that is to be written when it holds stand-ins or triggers on runmeta's tables. */
export function refuseForeignCode(schema: ObservedSchema, location: string): void {
  const found = [...standIns(schema), ...foreignTriggers(schema)];
  if (found.length) throw new UnsafeSchemaError(location, found);
}
