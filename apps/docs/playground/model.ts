/**
 * The playground's logic, framework-free and type-checked: load a database (the
 * demo, a dropped file or bytes), report its schema status and migration plan,
 * migrate it, and hand its files to the embedded dashboard. The Vue component
 * only renders what this returns.
 */

import { createSqlJsAdapter, type SqlJsAdapter } from '@runmeta/browser-wasm';
import {
  formatPlan,
  MetadataManager,
  type MigrationPlan,
  type MigrationStrategy,
} from '@runmeta/core';
import { writeSyntheticV1 } from '@runmeta/core/demo';

/** Where the playground's database came from. */
export type Source = { kind: 'demo' } | { kind: 'file'; name: string; bytes: Uint8Array };

/** What the status panel shows. */
export interface Status {
  /** `v1-documented`, `v1-deployed-20`, `v2`, `v2-missing-columns`... */
  kind: string;
  /** `none`, `migrate`, `repair`, `create` or `refuse`. */
  action: MigrationPlan['action'];
  /** The plan as the CLI prints it (`runmeta migrate --dry-run`). */
  planText: string;
  refusal: string | null;
}

/** The migration options: backfill only with carry-over (the UI may keep a stale tick). */
function migrationOptions(strategy: MigrationStrategy, backfill: boolean) {
  return { strategy, backfill: strategy === 'carry-over' && backfill };
}

/** A loaded playground session. */
export class Playground {
  private manager: MetadataManager | null = null;

  private constructor(
    readonly adapter: SqlJsAdapter,
    readonly sourceName: string,
  ) {}

  /** Load a database into a fresh in-page adapter (nothing leaves the page). */
  static async load(
    source: Source,
    options: { locateFile?: (file: string) => string } = {},
  ): Promise<Playground> {
    const adapter = await createSqlJsAdapter(options);
    if (source.kind === 'demo') {
      // The same synthetic v1 database `runmeta demo` starts from: 400 runs.
      const raw = await adapter.open('runs.db');
      await writeSyntheticV1(raw, 400);
      await raw.close();
      return new Playground(adapter, 'demo runs.db (v1)');
    }
    await adapter.writeBytes('runs.db', source.bytes);
    return new Playground(adapter, source.name);
  }

  /** The schema status and the migration plan, read without writing anything. */
  async status(strategy: MigrationStrategy = 'archive', backfill = false): Promise<Status> {
    if (this.manager) {
      // Open (a database has one connection in memory): report what opening did.
      const done = this.manager.migration;
      return {
        kind: 'v2',
        action: 'none',
        planText: done
          ? `${done.action} done (${done.strategy ?? 'in place'}): ${JSON.stringify(done, null, 2)}`
          : 'Up to date: nothing to do.',
        refusal: null,
      };
    }
    const plan = await MetadataManager.plan({
      adapter: this.adapter,
      migration: migrationOptions(strategy, backfill),
    });
    return {
      kind: plan.detection.kind,
      action: plan.action,
      planText: formatPlan(plan),
      refusal: plan.refusal,
    };
  }

  /** Open the database, migrating (or repairing) it as planned. */
  async open(strategy: MigrationStrategy = 'archive', backfill = false): Promise<MetadataManager> {
    await this.manager?.close();
    this.manager = await MetadataManager.open({
      adapter: this.adapter,
      migration: migrationOptions(strategy, backfill),
    });
    return this.manager;
  }

  /**
   * Every database file of the session (`runs.db`, and its v1 archive after an
   * archive migration) as bytes: what the embedded dashboard opens.
   */
  async files(): Promise<{ name: string; bytes: Uint8Array }[]> {
    this.requireOpen();
    const names = (await this.adapter.list()).sort((a, b) =>
      a === 'runs.db' ? -1 : b === 'runs.db' ? 1 : a.localeCompare(b),
    );
    return Promise.all(
      names.map(async (name) => ({ name, bytes: await this.adapter.snapshot(name) })),
    );
  }

  async close(): Promise<void> {
    await this.manager?.close();
    this.manager = null;
  }

  private requireOpen(): MetadataManager {
    if (!this.manager) throw new Error('Open (or migrate) the database first');
    return this.manager;
  }
}
