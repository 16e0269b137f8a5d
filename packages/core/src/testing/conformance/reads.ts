/**
 * Reads are lenient and lossless: values the schema does not expect are kept and
 * flagged rather than refused or dropped, and saving a read run writes them back.
 */
import { expect } from 'vitest';
import { insertSql } from '../../columns/sql.js';
import { group } from './context.js';
import { DB, rawExec } from './sql-helpers.js';

export const lenientReads = group('reads are lenient and lossless', {
  'keeps unknown enum values, bad JSON and unknown columns, flagged': async ({ fresh, open }) => {
    const { adapter, manager } = await fresh();
    await manager.close();
    await rawExec(adapter, DB, [
      ['ALTER TABLE runs ADD COLUMN "mystery col" TEXT'],
      [
        insertSql('runs', [
          'run_id',
          'template_id',
          'causal_mode',
          'status',
          'fidelity_distribution',
          'mystery col',
          'created_at',
        ]),
        ['odd', 't', 'QUANTUM', 'Completed', '{not json', 'kept', '2025-01-01T00:00:00'],
      ],
    ]);
    const again = await open(adapter);
    const run = await again.getRun('odd');
    expect(run.causalMode).toBe('QUANTUM');
    expect(run.status).toBe('completed');
    expect(run.fidelityDistribution).toBeNull();
    expect(run.extra).toEqual({ 'mystery col': 'kept' });
    expect(run.readIssues).toEqual([
      { column: 'causal_mode', kind: 'unknown_enum', raw: 'QUANTUM' },
      { column: 'fidelity_distribution', kind: 'invalid_json', raw: '{not json' },
    ]);
    // A filter over damaged JSON treats it as unknown instead of failing.
    await again.close();
    await rawExec(adapter, DB, [
      [
        insertSql('runs', [
          'run_id',
          'template_id',
          'causal_mode',
          'fidelity_distribution',
          'created_at',
        ]),
        ['odd2', 't', 'Quantum', '{"dialog": 1.2.3, "trained": 01}', '2025-01-02T00:00:00'],
      ],
    ]);
    const filtered = await open(adapter);
    expect(await filtered.getAllRuns({ where: 'fidelity.dialog >= 1' })).toEqual([]);
    expect(
      (await filtered.getAllRuns({ where: "causal_mode like 'quant%'" })).map((r) => r.runId),
    ).toEqual(['odd', 'odd2']);
    // `created` is the creation time runs are sorted by, compared as a time on every backend.
    expect(
      (await filtered.getAllRuns({ where: "created >= '2025-01-01T12:00:00+02:00'" })).map(
        (r) => r.runId,
      ),
    ).toEqual(['odd2']);
    expect(
      (await filtered.getAllRuns({ where: "created < '2025-01-02'" })).map((r) => r.runId),
    ).toEqual(['odd']);
    await filtered.close();
  },
  'keeps full precision in a deployed column added on first use': async ({ fresh }) => {
    const { manager } = await fresh();
    const saved = await manager.saveMetadata({
      runId: 'precise',
      templateId: 't',
      causalMode: 'forward',
      durationSeconds: 12.345678901234,
    });
    expect(saved.durationSeconds).toBe(12.345678901234);
    expect((await manager.getRun('precise')).durationSeconds).toBe(12.345678901234);
    await manager.close();
  },
  'keeps raw child values it cannot decode, and saves a read run back without losing raw values':
    async ({ fresh, open }) => {
      const { adapter, manager } = await fresh();
      await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
      await manager.close();
      await rawExec(adapter, DB, [
        [
          insertSql('validations', [
            'run_id',
            'validator_name',
            'passed',
            'timestamp',
            'violations',
          ]),
          ['r', 'v', 0, '2025-01-01T00:00:00', "['a', 'b']"],
        ],
        [
          "UPDATE runs SET fidelity_distribution = '{oops', causal_mode = 'quantum' WHERE run_id = 'r'",
        ],
      ]);
      const again = await open(adapter);
      const [validation] = await again.getValidations('r');
      expect(validation?.readIssues).toEqual([
        { column: 'violations', kind: 'invalid_json', raw: "['a', 'b']" },
      ]);
      const run = await again.getRun('r');
      await again.saveMetadata({ ...run, goal: 'new goal' });
      const [stored] = await again.query(
        'SELECT causal_mode, fidelity_distribution, goal FROM runs WHERE run_id = ?',
        ['r'],
      );
      expect(stored).toEqual({
        causal_mode: 'quantum',
        fidelity_distribution: '{oops',
        goal: 'new goal',
      });
      await expect(
        again.saveMetadata({ runId: 'x', schemaVersion: '3.0' as never }),
      ).rejects.toMatchObject({ field: 'schemaVersion' });
      await again.close();
    },
});
