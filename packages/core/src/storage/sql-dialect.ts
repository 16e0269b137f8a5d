/**
 * What differs in SQL between backends, in one object made of small roles. Core
 * writes its statements once, in the SQL SQLite and PostgreSQL share (quoted
 * identifiers, `?` placeholders, `INSERT … ON CONFLICT … RETURNING`, `CAST`,
 * `count(*)`), and asks the adapter's dialect only for the parts that differ.
 * Each part is its own interface, used on its own by the layer that needs it:
 * DDL ({@link DdlDialect}, columns), the filter language ({@link QueryDialect}),
 * running a database ({@link RuntimeDialect}), reading its catalog
 * ({@link SchemaIntrospector}) and copying rows in ({@link CopyDialect}).
 *
 * `@runmeta/node-sqlite` and `@runmeta/browser-wasm` use `sqliteDialect`
 * (the default when an adapter declares none); `@runmeta/postgres` ships its own.
 *
 * @packageDocumentation
 */
import type { DdlDialect } from '../columns/ddl-dialect.js';
import type { CopyDialect } from './copy-dialect.js';
import type { QueryDialect } from './query-dialect.js';
import type { RuntimeDialect } from './runtime-dialect.js';
import type { SchemaIntrospector } from './schema-introspector.js';

/** SQL that differs between backends: every role of one backend. */
export interface SqlDialect
  extends DdlDialect,
    QueryDialect,
    RuntimeDialect,
    SchemaIntrospector,
    CopyDialect {
  /** Short name, e.g. `sqlite`, `postgres`. */
  readonly name: string;
}
