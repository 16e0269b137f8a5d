/**
 * Reading a database's actual schema. This is the only impure part of planning:
 * it turns a live database into a plain {@link ObservedSchema} that the pure
 * detector and planner work on (and that tests can write by hand).
 */
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { Executor } from '../storage/database.js';

/**
 * Observe tables, columns, indexes and schema versions, through the executor's
 * dialect (SQLite's catalog, or a server's `information_schema`).
 */
export function observeSchema(db: Executor): Promise<ObservedSchema> {
  return db.dialect.observeSchema(db);
}
