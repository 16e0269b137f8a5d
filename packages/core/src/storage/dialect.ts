/**
 * The dialect contract in one import: the composed {@link SqlDialect}, its
 * roles, and the SQLite dialect. Each role lives in its own module
 * (`sql-dialect.ts`, `runtime-dialect.ts`, `query-dialect.ts`,
 * `schema-introspector.ts`, `copy-dialect.ts`, and `columns/ddl-dialect.ts`).
 *
 * @packageDocumentation
 */
export type { DdlDialect } from '../columns/ddl-dialect.js';
export { sqliteDdl } from '../columns/sqlite-ddl.js';
export { type CopyDialect, plainTypeName } from './copy-dialect.js';
export type { QueryDialect } from './query-dialect.js';
export type { RuntimeDialect } from './runtime-dialect.js';
export { type SchemaIntrospector, schemaVersions, type ValueKind } from './schema-introspector.js';
export type { SqlDialect } from './sql-dialect.js';
export { sqliteDialect } from './sqlite/sqlite-dialect.js';
export { sqliteIntrospector } from './sqlite/sqlite-introspector.js';
