/**
 * Importing a run database from one storage into another — typically a SQLite
 * file into PostgreSQL. The tables are copied raw (v1 arrives as v1), built aside
 * and moved into place, and then the target is opened like any database, so the
 * v1 → v2 migration runs there with its usual guarantees. Either the whole import
 * lands, or the target is left without it.
 *
 * @packageDocumentation
 */

import { TABLES } from '../columns/registry.js';
import { ArchiveConflictError, InterruptedError } from '../errors.js';
import { detectSchema, type SchemaKind } from '../migrate/detect.js';
import type { MigrationResult } from '../migrate/execute.js';
import { refuseStandIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { importingNameFor, replacedNameFor } from '../migrate/working-names.js';
import type { MigrationStrategy } from '../schema/migration-strategies.js';
import {
  CopyDatabaseOptionsSchema,
  DatabaseNameOption,
  ExecutorOption,
  parseOptions,
} from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import { quoteIdent } from '../sql/quote.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { StorageAdapterOption } from '../storage/adapter-option.js';
import { type CopyOptions, type CopyReport, copyTables } from '../storage/copy.js';
import type { Database } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { refuseWritingArchive } from './archive-guard.js';
import { archiveOf } from './archive-lookup.js';
import { MetadataManager } from './metadata-manager.js';
import { unusable } from './open-refusals.js';
import { ImportOptionsSchema } from './options.js';

/** One end of an import: a named database in a storage adapter's container. */
export interface DatabaseRef {
  adapter: StorageAdapter;
  /** Default `runs.db`. */
  database?: string;
}

/** Options for {@link importRunDatabase}. */
export interface ImportOptions extends CopyOptions {
  from: DatabaseRef;
  to: DatabaseRef;
  /** How a v1 source is migrated on the target (default `archive`, as on open). */
  migration?: { strategy?: MigrationStrategy; backfill?: boolean };
  /** Replace an existing target database (default: refuse). */
  replace?: boolean;
  /** How long to wait for another import into, or migration of, the target. Default 60 000 ms. */
  lockTimeoutMs?: number;
}

/** What {@link importRunDatabase} did. */
export interface ImportResult {
  /** Where the data now is. */
  target: string;
  /** The source's schema, as detected. */
  sourceKind: SchemaKind;
  /** Every table copied, with its row count (verified against the source). */
  copied: CopyReport['tables'];
  /** The migration or repair that ran on the target after the copy (null: none needed). */
  migration: MigrationResult | null;
  /** Runs readable on the target afterwards (active plus archive). */
  runs: number;
  /**
   * The v1 archive of a migrated source, which is not imported: its runs are not
   * on the target. To bring them along, carry it over into the source first
   * (`MetadataManager.carryOverArchive`) and import again. Null when the source
   * has none.
   */
  sourceArchive: { path: string; runs: number } | null;
}

/**
 * Copy every table of `from` into `to` and open it there (migrating v1 to v2 and
 * repairing v2 as opening always does). The source is opened read-only and never
 * changed. Refuses a source that is not a run database, or is newer than this SDK,
 * before copying anything, and an existing target unless `replace` is set. With
 * `replace`, the old database is renamed aside until the new one has opened, and
 * put back if anything fails. Imports into one name are serialised by a lock of
 * their own (the migration lock is the manager's). An aborted `signal` stops the
 * copy or the migration after it at the next page, undoes the import and throws
 * `InterruptedError`.
 */
export async function importRunDatabase(given: ImportOptions): Promise<ImportResult> {
  const options = parseOptions(ImportOptionsSchema, given) as ImportOptions;
  const fromName = options.from.database ?? 'runs.db';
  const toName = options.to.database ?? 'runs.db';
  const { adapter } = options.to;
  refuseWritingArchive(adapter, toName);
  const release = await adapter.lock?.(importingNameFor(toName), {
    timeoutMs: options.lockTimeoutMs ?? 60_000,
    signal: options.signal,
  });
  try {
    if (!options.replace && (await adapter.exists(toName))) {
      throw new ArchiveConflictError(`${adapter.describe(toName)} already exists`, {
        hint: 'Import into a new database name, or pass replace: true to replace it',
        cliHint: 'Import into a new database name, or pass --replace to replace it',
      });
    }
    const source = await openDatabase(options.from.adapter, fromName, {
      readOnly: true,
      exactIntegers: true,
    });
    let copied: CopyReport & { replaced: string | null };
    let sourceKind: SchemaKind;
    try {
      const observed = await observeSchema(source);
      refuseStandIns(observed, options.from.adapter.describe(fromName));
      const detection = detectSchema(observed);
      sourceKind = detection.kind;
      // The same refusals as opening it for writing: foreign, empty, newer.
      unusable(detection, options.from.adapter.describe(fromName), false);
      const { replace, pageSize, onProgress, signal } = options;
      copied = await copyDatabase(source, adapter, toName, {
        replace,
        pageSize,
        onProgress,
        signal,
      });
    } finally {
      await source.close();
    }
    const sourceArchive = sourceKind.startsWith('v2')
      ? await archiveSummary(options.from.adapter, fromName)
      : null;
    let archiveMade: string | null = null;
    try {
      // A history row copied from the source names the source's archive, which
      // did not come along: keep it as provenance, never as this database's archive.
      await detachCopiedArchive(adapter, toName);
      const manager = await MetadataManager.open({
        adapter,
        database: toName,
        signal: options.signal,
        ...(options.migration ? { migration: options.migration } : {}),
        ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}),
      });
      let result: ImportResult;
      try {
        if (manager.migration?.action === 'migrate') archiveMade = await manager.archiveName();
        result = {
          target: adapter.describe(toName),
          sourceKind,
          copied: copied.tables,
          migration: manager.migration,
          runs: (await manager.getAllRuns({ includeArchive: true })).length,
          sourceArchive,
        };
      } finally {
        await manager.close();
      }
      if (copied.replaced) await adapter.remove(copied.replaced);
      return result;
    } catch (error) {
      // A failed migration left the copy as it was; an import is all or nothing.
      await adapter.remove(toName).catch(() => {});
      if (archiveMade) await adapter.remove(archiveMade).catch(() => {});
      if (copied.replaced) await adapter.move(copied.replaced, toName).catch(() => {});
      throw error;
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    // Whatever was interrupted (the copy, or the migration after it), it was undone.
    const kept = options.replace && (await adapter.exists(toName));
    throw new InterruptedError(
      `interrupted; nothing was imported into ${adapter.describe(toName)}${kept ? ', which is unchanged' : ''}`,
      error.reason,
      { cause: error },
    );
  } finally {
    await release?.();
  }
}

/** A database's v1 archive and its run count, if it has one (read-only). */
async function archiveSummary(
  adapter: StorageAdapter,
  database: string,
): Promise<{ path: string; runs: number } | null> {
  const name = await archiveOf(adapter, database);
  if (!name) return null;
  const archive = await openDatabase(adapter, name, { readOnly: true });
  try {
    const [row] = await archive.all('SELECT count(*) AS n FROM "runs"');
    return { path: adapter.describe(name), runs: Number(row?.n ?? 0) };
  } catch {
    return { path: adapter.describe(name), runs: 0 }; // a damaged archive is still named
  } finally {
    await archive.close();
  }
}

/** Rename `archive` to `sourceArchive` in copied migration-history rows. */
async function detachCopiedArchive(adapter: StorageAdapter, name: string): Promise<void> {
  const db = await openDatabase(adapter, name);
  try {
    if (!(TABLES.history.name in (await observeSchema(db)).tables)) return;
    const table = quoteIdent(TABLES.history.name);
    const rows = await db.all<{ id: number; details: string | null }>(
      `SELECT "id", "details" FROM ${table} WHERE "details" LIKE ?`,
      ['%"archive"%'],
    );
    for (const row of rows) {
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(String(row.details)) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (!('archive' in details)) continue;
      const { archive, ...rest } = details;
      await db.run(`UPDATE ${table} SET "details" = ? WHERE "id" = ?`, [
        JSON.stringify({ ...rest, sourceArchive: archive }),
        row.id,
      ]);
    }
  } finally {
    await db.close();
  }
}

/**
 * Copy an open database into `name` on `target`: built aside (`<name>.importing`)
 * and moved into place, so a failed copy leaves nothing at `name`. With
 * `replace`, an existing `name` is first renamed aside; its new name is returned
 * as `replaced`, for the caller to remove once the new database is in use (or
 * to move back).
 */
export async function copyDatabase(
  source: Database,
  target: StorageAdapter,
  name: string,
  given: CopyOptions & { replace?: boolean } = {},
): Promise<CopyReport & { replaced: string | null }> {
  parseInput(ExecutorOption, source, 'source');
  parseInput(StorageAdapterOption, target, 'target');
  parseInput(DatabaseNameOption, name, 'name');
  const options = parseOptions(CopyDatabaseOptionsSchema, given) as typeof given;
  const aside = importingNameFor(name);
  await target.remove(aside);
  const built = await openDatabase(target, aside);
  let report: CopyReport;
  try {
    const { replace: _, ...copy } = options;
    report = await copyTables(source, built, copy);
  } catch (error) {
    await built.close();
    await target.remove(aside);
    throw error;
  }
  await built.close();
  let replaced: string | null = null;
  try {
    if (options.replace && (await target.exists(name))) {
      replaced = replacedNameFor(name, await target.list());
      await target.move(name, replaced);
    }
    await target.move(aside, name);
  } catch (error) {
    if (replaced && !(await target.exists(name))) await target.move(replaced, name);
    await target.remove(aside);
    throw error;
  }
  return { ...report, replaced };
}
