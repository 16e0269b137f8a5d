/**
 * The playground's logic, framework-free and type-checked: load a database (the
 * demo, a dropped file or bytes), report its schema status and migration plan,
 * migrate it, query runs, and derive the chart data. The Vue component only
 * renders what this returns.
 */

import { createSqlJsAdapter, type SqlJsAdapter } from '@runmeta/browser-wasm';
import {
  fidelityTotals,
  formatPlan,
  formatSnapshotForLlm,
  MetadataManager,
  type MigrationPlan,
  type MigrationStrategy,
  type RunFilter,
  type RunMetadata,
  sortedDistribution,
  totalsPerTemplate,
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

/** One bar of a chart. */
export interface Bar {
  label: string;
  value: number;
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

  /** Runs of the active database and its archive, filtered. */
  async runs(filter: Omit<RunFilter, 'includeArchive'> = {}) {
    const manager = this.requireOpen();
    return manager.getAllRuns({ ...filter, includeArchive: true });
  }

  /** The LLM-ready snapshot text of a run (with its fidelity block), as `runmeta inspect` prints it. */
  async inspect(runId: string): Promise<string> {
    const manager = this.requireOpen();
    return formatSnapshotForLlm(await manager.getSnapshot(runId, { includeArchive: true }));
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

/** Entities per fidelity level, summed over the runs that have a distribution. */
export function fidelityBars(runs: readonly RunMetadata[]): Bar[] {
  // Coarsest to finest, as the snapshot and `runmeta report` list them; unknown levels last.
  return sortedDistribution(fidelityTotals(runs)).map(([label, value]) => ({
    label,
    value,
  }));
}

/** A numeric field summed per template, largest first. */
export function perTemplate(runs: readonly RunMetadata[], field: 'costUsd' | 'tokensUsed'): Bar[] {
  return totalsPerTemplate(runs, field).map(([label, value]) => ({ label, value }));
}
