/**
 * Loading sql.js (SQLite compiled to WebAssembly) once per page.
 */

import { StorageError } from '@runmeta/core';
import { parseOptions } from '@runmeta/core/adapter';
import initSqlJs from 'sql.js';
import { SqlJsLoadOptionsSchema } from './sql-js-options.js';

/** The initialised sql.js module. */
export type SqlJsStatic = initSqlJs.SqlJsStatic;
/** One sql.js database. */
export type SqlJsDatabase = initSqlJs.Database;

/** Where sql.js finds its `.wasm` file. */
export interface SqlJsLoadOptions {
  /**
   * Map the file sql.js asks for (`sql-wasm.wasm` or `sql-wasm-browser.wasm`) to
   * a URL. The default serves the copy shipped next to this package's
   * `dist/index.js` (same origin as the script; nothing is fetched elsewhere).
   * With Vite's dev server, pass the URL Vite gives the file:
   * `import wasmUrl from '@runmeta/browser-wasm/sql-wasm.wasm?url'` and
   * `locateFile: () => wasmUrl`.
   */
  locateFile?: (file: string) => string;
  /** An sql.js module you already initialised (then nothing is loaded). */
  sqlJs?: SqlJsStatic | Promise<SqlJsStatic>;
}

const loaded = new Map<string, Promise<SqlJsStatic>>();

/** Whether this realm is a browser page or worker (not Node). */
function inBrowser(): boolean {
  return (
    typeof (globalThis as { window?: unknown }).window !== 'undefined' ||
    typeof (globalThis as { importScripts?: unknown }).importScripts === 'function'
  );
}

/** The default `locateFile`: the wasm shipped beside the bundle. */
export function defaultLocateFile(): string {
  return new URL('./sql-wasm.wasm', import.meta.url).href;
}

/**
 * Initialise sql.js, once per `.wasm` location. In Node (tests) sql.js finds its
 * own file in `node_modules`.
 */
export function loadSqlJs(given: SqlJsLoadOptions = {}): Promise<SqlJsStatic> {
  let options: SqlJsLoadOptions;
  try {
    options = parseOptions(SqlJsLoadOptionsSchema, given) as SqlJsLoadOptions;
  } catch (error) {
    return Promise.reject(error);
  }
  if (options.sqlJs) return Promise.resolve(options.sqlJs);
  const locateFile = options.locateFile ?? (inBrowser() ? defaultLocateFile : undefined);
  const key = locateFile ? locateFile('sql-wasm.wasm') : 'node';
  let module = loaded.get(key);
  if (!module) {
    module = initSqlJs(locateFile ? { locateFile } : {}).catch((error: unknown) => {
      throw new StorageError(
        `could not load SQLite (sql.js) from ${locateFile ? locateFile('sql-wasm.wasm') : 'node_modules'}: ${(error as Error)?.message ?? error}`,
        {
          cause: error,
          hint: 'Serve sql-wasm.wasm (shipped in @runmeta/browser-wasm/dist) and pass locateFile if it is not beside the script',
        },
      );
    });
    // A failed load (wrong URL) must not stay cached: the next call retries.
    module.catch(() => loaded.delete(key));
    loaded.set(key, module);
  }
  return module;
}
