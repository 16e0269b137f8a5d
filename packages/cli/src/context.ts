/**
 * What every command gets: where to write (data on stdout, messages on stderr),
 * colours that respect NO_COLOR and pipes, the global options, and how to open
 * the database.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  type ManagerOptions,
  MetadataManager,
  type MigrationProgress,
  NeedsMigrationError,
  type SchemaKind,
  type StorageAdapter,
} from '@runmeta/core';
import {
  createNodeSqliteAdapter,
  DEFAULT_DATABASE_PATH,
  resolveDatabaseLink,
} from '@runmeta/node-sqlite';
import { isPostgresUrl, parsePostgresUrl } from '@runmeta/postgres/url';
import pc from 'picocolors';
import { interruptible } from './interrupt.js';
import { printable } from './output/printable.js';
import { createProgress } from './output/progress.js';

/** Output streams: injectable so tests and the docs generator can capture them. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
  /** What `ingest` reads; absent where no command reads input (the docs generator). */
  stdin?: Readable;
  env: NodeJS.ProcessEnv;
}

/** Global options, shared by every command. */
export interface GlobalOptions {
  db: string;
  json: boolean;
  debug: boolean;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** The context a command runs in. */
export class CliContext {
  readonly color: Colors;
  /** Whether stdout gets colour (a terminal, no NO_COLOR, TERM not dumb). */
  readonly #colour: boolean;
  constructor(
    readonly streams: Streams,
    readonly global: GlobalOptions,
  ) {
    const enabled = !streams.env.NO_COLOR && !!streams.stdout.isTTY && streams.env.TERM !== 'dumb';
    this.color = pc.createColors(enabled);
    this.#colour = enabled;
  }

  /**
   * Text for people: one line (or block) on stdout, terminal controls from
   * stored values shown as `\uXXXX` (see {@link printable}).
   */
  out(text: string): void {
    const safe = printable(text, this.#colour);
    this.streams.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /**
   * Data in a machine format (CSV) on stdout: exact when stdout is a file or a
   * pipe, controls escaped on a terminal, where they would act instead of show.
   */
  data(text: string): void {
    const safe = this.streams.stdout.isTTY ? printable(text) : text;
    this.streams.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
  }

  /**
   * Machine output: JSON on stdout, nothing else there. JSON escapes C0
   * controls itself; the rest become the `\uXXXX` escapes of the same
   * characters, so the JSON is exact and safe on a terminal.
   */
  json(value: unknown): void {
    this.streams.stdout.write(`${printable(JSON.stringify(value, null, 2))}\n`);
  }

  /** Messages and progress: stderr. */
  info(text: string): void {
    const enabled = !this.streams.env.NO_COLOR && !!this.streams.stderr.isTTY;
    const safe = printable(text);
    this.streams.stderr.write(`${enabled ? pc.dim(safe) : safe}\n`);
  }

  warn(text: string): void {
    const enabled = !this.streams.env.NO_COLOR && !!this.streams.stderr.isTTY;
    const safe = `warning: ${printable(text)}`;
    this.streams.stderr.write(`${enabled ? pc.yellow(safe) : safe}\n`);
  }

  /** Where the database named by --db / RUNMETA_DB lives, and its name there. */
  get location(): DatabaseLocation {
    return resolveDatabase(this.global.db);
  }

  adapter(): StorageAdapter {
    return this.location.adapter();
  }

  /**
   * Open the database. Reading commands open read-only (never migrating); write
   * commands migrate a v1 file first, with a progress bar on a TTY — unless
   * `refuseV1` is given: then a v1 database is not migrated (nor, when reading,
   * used) and the error `refuseV1` returns for it (given the v1 database, open
   * read-only) is thrown instead, with nothing changed.
   */
  async open(
    options: {
      write: boolean;
      announce?: boolean;
      /**
       * The migration is the command's whole work (`migrate`): a signal that comes
       * once it can no longer stop lets it finish normally. Otherwise the command
       * stops there, before its own write.
       */
      onlyMigrating?: boolean;
      refuseV1?: (v1: MetadataManager) => Promise<Error>;
      /**
       * A read that scans an index or more in one go (`runs count`): a SQLite file
       * is mapped (`mapReadOnly`), which reads cold pages faster than SQLite's own
       * page cache fills (0.11 s against 0.19 s for a count over a million runs).
       */
      mapped?: boolean;
    } & Partial<ManagerOptions>,
  ): Promise<MetadataManager> {
    const { refuseV1, ...others } = options;
    if (refuseV1) {
      // The common case (already v2) costs nothing extra: opening without consent to
      // migrate refuses a v1 file before touching it.
      try {
        const manager = await this.open({ ...others, autoMigrate: false });
        if (!isV1(manager.detection.kind)) return manager;
        await manager.close(); // read-only opening never migrates: the v1 file itself
      } catch (error) {
        if (!(error instanceof NeedsMigrationError)) throw error;
      }
      const location = this.location;
      const v1 = await MetadataManager.open({
        adapter: location.adapter(),
        database: location.database,
        readOnly: true,
      });
      let refusal: Error | null = null;
      try {
        if (isV1(v1.detection.kind)) refusal = await refuseV1(v1);
      } finally {
        await v1.close();
      }
      if (refusal) throw refusal;
      // Not v1: a v2 database that needs a repair, which every write makes.
      return this.open(others);
    }
    const { write, announce = true, onlyMigrating = false, mapped = false, ...rest } = others;
    const progress = this.progress('migrating');
    try {
      const location = this.location;
      const open = (signal?: AbortSignal) =>
        MetadataManager.open({
          adapter: location.adapter({ mapReadOnly: mapped && !write }),
          database: location.database,
          readOnly: !write,
          onMigrationProgress: (p: MigrationProgress) => progress.update(p),
          signal,
          ...rest,
        });
      // Only a write may migrate, and only a migration is worth stopping cleanly.
      const manager = write
        ? await interruptible(
            open,
            (m) => (onlyMigrating ? null : interruptedAfter(m, location.display)),
            (m) => m.close(),
          )
        : await open();
      // A write command never changes an existing file's schema silently
      // (creating a new database on first use is expected and stays quiet).
      const done = manager.migration;
      if (done && write && announce && done.action !== 'create') {
        progress.done();
        this.info(
          done.action === 'migrate'
            ? `migrated ${location.display} to v2 first; v1 runs archived to ${done.archivePath}`
            : `repaired ${location.display} (${done.addedColumns.length ? `added ${done.addedColumns.join(', ')}` : 'created missing tables or indexes'})`,
        );
      }
      return manager;
    } finally {
      progress.done();
    }
  }

  /** A progress bar on stderr, only when stderr is a TTY and output is not JSON. */
  progress(label: string) {
    return createProgress(
      label,
      this.streams.stderr,
      !!this.streams.stderr.isTTY && !this.global.json,
    );
  }
}

/** What an open that a signal could not stop (any more) did. */
function interruptedAfter(manager: MetadataManager, display: string): string {
  const done = manager.migration;
  const notDone = "the command's own change was not made";
  if (done?.action === 'migrate') {
    return `interrupted after the migration finished (${display} is v2 and its v1 data is in ${done.archivePath}); ${notDone}`;
  }
  if (done?.action === 'create') return `interrupted after ${display} was created; ${notDone}`;
  if (done?.action === 'repair') return `interrupted after ${display} was repaired; ${notDone}`;
  return `interrupted; ${display} unchanged`;
}

/** A run database as the CLI names it: a SQLite file, or a schema on a PostgreSQL server. */
export interface DatabaseLocation {
  /** The database's name in its container (`runs.db`, or `<schema>.db` on a server). */
  database: string;
  /** The folder holding the file; null on a server. */
  directory: string | null;
  /** How to show it (a server URL without its password). */
  display: string;
  /**
   * The location's adapter. `mapReadOnly`: a SQLite file is mapped for reading
   * (see `@runmeta/node-sqlite`'s option: faster cold index scans, every page
   * touched counted as RSS); a server ignores it.
   */
  adapter(options?: { mapReadOnly?: boolean }): StorageAdapter;
}

/** The PostgreSQL adapter package, once {@link loadPostgres} has loaded it. */
let postgres: typeof import('@runmeta/postgres') | null = null;

/**
 * Load the PostgreSQL adapter and its driver. Only a command given a
 * `postgres://` location needs them, and loading node-postgres costs every
 * process 50–100 ms (it probes for Cloudflare Workers by building a `Response`,
 * which loads Node's whole fetch implementation): `main` loads it only then,
 * before the command runs.
 */
export async function loadPostgres(): Promise<void> {
  postgres ??= await import('@runmeta/postgres');
}

/** Whether a command-line argument (or `RUNMETA_DB`) names a PostgreSQL location (`--db=postgres://…` too). */
export function mentionsPostgres(value: string): boolean {
  return isPostgresUrl(value) || /^--[\w-]+=postgres(ql)?:\/\//i.test(value);
}

/** Resolve a `--db` value: `postgres://…?schema=…`, or a SQLite file path. */
export function resolveDatabase(spec: string): DatabaseLocation {
  if (isPostgresUrl(spec)) {
    const url = parsePostgresUrl(spec);
    return {
      database: url.database,
      directory: null,
      display: url.display,
      adapter: () => {
        if (!postgres)
          throw new Error(`internal: the PostgreSQL adapter was not loaded for ${url.display}`);
        return postgres.createPostgresAdapter({ connectionString: url.connectionString });
      },
    };
  }
  // A link is resolved once: the archive and the lock go beside the real file.
  const file = resolveDatabaseLink(spec);
  const directory = path.dirname(file);
  return {
    database: path.basename(file),
    directory,
    display: spec,
    adapter: (options) =>
      createNodeSqliteAdapter({
        directory,
        ...(options?.mapReadOnly ? { mapReadOnly: true } : {}),
      }),
  };
}

/** Default database path: RUNMETA_DB, else metadata/runs.db. */
export function defaultDatabase(env: NodeJS.ProcessEnv): string {
  return env.RUNMETA_DB || DEFAULT_DATABASE_PATH;
}

/** Whether a database of this kind is schema v1 (a write would migrate it first). */
export function isV1(kind: SchemaKind): boolean {
  return kind.startsWith('v1');
}
