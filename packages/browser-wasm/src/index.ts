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
} from './sql-js-adapter.js';
export { type SqlJsConnection, wrapSqlJsDatabase } from './sql-js-connection.js';
export {
  defaultLocateFile,
  loadSqlJs,
  type SqlJsDatabase,
  type SqlJsLoadOptions,
  type SqlJsStatic,
} from './sql-js-loader.js';
export {
  type BrowserStore,
  type BrowserStoreOptions,
  type DatabaseSource,
  openBrowserStore,
} from './sql-js-store.js';
