/**
 * What every command gets: where to write (data on stdout, messages on stderr),
 * colours that respect NO_COLOR and pipes, the global options, and how to open
 * the database.
 */
import path from 'node:path';
import { type ManagerOptions, MetadataManager, type MigrationProgress } from '@runmeta/core';
import { createNodeSqliteAdapter, DEFAULT_DATABASE_PATH } from '@runmeta/node-sqlite';
import pc from 'picocolors';
import { createProgress } from './output/progress.js';

/** Output streams: injectable so tests and the docs generator can capture them. */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdinIsTTY: boolean;
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
  constructor(
    readonly streams: Streams,
    readonly global: GlobalOptions,
  ) {
    const enabled = !streams.env.NO_COLOR && !!streams.stdout.isTTY && streams.env.TERM !== 'dumb';
    this.color = pc.createColors(enabled);
  }

  /** Data: one line (or block) on stdout. */
  out(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Machine output: JSON on stdout, nothing else there. */
  json(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Messages and progress: stderr. */
  info(text: string): void {
    const enabled = !this.streams.env.NO_COLOR && !!this.streams.stderr.isTTY;
    this.streams.stderr.write(`${enabled ? pc.dim(text) : text}\n`);
  }

  warn(text: string): void {
    const enabled = !this.streams.env.NO_COLOR && !!this.streams.stderr.isTTY;
    this.streams.stderr.write(`${enabled ? pc.yellow(`warning: ${text}`) : `warning: ${text}`}\n`);
  }

  /** The database's folder and file name, from --db / RUNMETA_DB. */
  get location(): { directory: string; database: string } {
    return { directory: path.dirname(this.global.db), database: path.basename(this.global.db) };
  }

  adapter() {
    return createNodeSqliteAdapter({ directory: this.location.directory });
  }

  /**
   * Open the database. Reading commands open read-only (never migrating); write
   * commands migrate a v1 file first, with a progress bar on a TTY.
   */
  async open(
    options: { write: boolean; announce?: boolean } & Partial<ManagerOptions>,
  ): Promise<MetadataManager> {
    const { write, announce = true, ...rest } = options;
    const progress = this.progress('migrating');
    try {
      const manager = await MetadataManager.open({
        adapter: this.adapter(),
        database: this.location.database,
        readOnly: !write,
        onMigrationProgress: (p: MigrationProgress) => progress.update(p),
        ...rest,
      });
      // A write command never changes an existing file's schema silently
      // (creating a new database on first use is expected and stays quiet).
      const done = manager.migration;
      if (done && write && announce && done.action !== 'create') {
        progress.done();
        this.info(
          done.action === 'migrate'
            ? `migrated ${this.global.db} to v2 first; v1 runs archived to ${done.archivePath}`
            : `repaired ${this.global.db} (added ${done.addedColumns.join(', ')})`,
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

/** Default database path: RUNMETA_DB, else metadata/runs.db. */
export function defaultDatabase(env: NodeJS.ProcessEnv): string {
  return env.RUNMETA_DB || DEFAULT_DATABASE_PATH;
}
