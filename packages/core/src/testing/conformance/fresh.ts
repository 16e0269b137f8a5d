/**
 * A new database: created at v2 with exactly the documented schema and a history
 * row, and reopened later without migrating again.
 */
import { expect } from 'vitest';
import { canonicalColumns, TABLES } from '../../columns/registry.js';
import { group } from './context.js';

export const freshDatabase = group('a fresh database is created at v2 once', {
  'creates a v2 schema with exactly the 27 documented runs columns, child tables, indexes and history':
    async ({ fresh, observe }) => {
      const { adapter, manager } = await fresh();
      const history = await manager.query('SELECT kind, to_version FROM runmeta_migrations');
      expect(history).toEqual([{ kind: 'create', to_version: '2.0' }]);
      expect(manager.migration?.action).toBe('create');
      // Observed on a connection of its own (an in-memory database has one: close first).
      await manager.close();
      const schema = await observe(adapter);
      const columns = schema.tables.runs ?? [];
      expect(columns.map((c) => c.name)).toEqual(canonicalColumns(TABLES.runs).map((c) => c.name));
      expect(columns).toHaveLength(27);
      const tables = Object.keys(schema.tables);
      expect(tables).toEqual(
        expect.arrayContaining([
          'runs',
          'mechanism_usage',
          'resolution_assignments',
          'validations',
          'runmeta_migrations',
        ]),
      );
      const indexes = schema.indexes;
      for (const name of [
        'idx_runs_template_id',
        'idx_runs_status',
        'idx_runs_created_at',
        'idx_runs_token_budget_compliance',
        'idx_mechanism_usage_run_mechanism',
        'idx_resolution_assignments_run_id',
        'idx_validations_run_id',
      ]) {
        expect(indexes).toContain(name);
      }
    },
  'reopens without migrating again and keeps the data': async ({ fresh, open }) => {
    const { adapter, manager } = await fresh();
    await manager.startRun({ runId: 'keep', templateId: 't', causalMode: 'forward' });
    await manager.close();
    const again = await open(adapter);
    expect(again.migration).toBeNull();
    expect((await again.getRun('keep')).templateId).toBe('t');
    await again.close();
  },
});
