/**
 * `@runmeta/browser-wasm` — runmeta in a web page: SQLite through sql.js
 * (WebAssembly), a persistent store in IndexedDB, and one writer across tabs.
 *
 * @packageDocumentation
 */
export {
  createSqlJsAdapter,
  DEFAULT_MAX_BYTES,
  type SqlJsAdapter,
  type SqlJsAdapterOptions,
} from './adapter.js';
export { type SqlJsConnection, wrapSqlJsDatabase } from './connection.js';
export {
  defaultLocateFile,
  loadSqlJs,
  type SqlJsDatabase,
  type SqlJsLoadOptions,
  type SqlJsStatic,
} from './sql-js.js';
export {
  type BrowserStore,
  type BrowserStoreOptions,
  type DatabaseSource,
  openBrowserStore,
} from './store.js';
