import { describe, expect, it } from 'vitest';
import { BACKFILLED_COLUMNS, backfillParams, upgradeV1Run } from './upgrade-v1-run.js';

// Every expected value below is worked out by hand from the documented backfill rules:
// efficiency = (entities + timepoints) / tokens, the distribution counts each
// entity once at its latest level (latest timestamp, then highest id), a missing
// level counts as "scene", and levels are lowercased.

describe('upgradeV1Run', () => {
  it('derives tokens, efficiency and the distribution from the run and its assignments', () => {
    const fields = upgradeV1Run(
      { run_id: 'r1', entities_created: 3, timepoints_created: 5, tokens_used: 400 },
      [
        { id: 1, entity_id: 'e1', resolution: 'DIALOG', timestamp: '2024-01-01T00:00:00Z' },
        { id: 2, entity_id: 'e1', resolution: 'trained', timestamp: '2024-01-02T00:00:00Z' },
        { id: 3, entity_id: 'e2', resolution: null, timestamp: null },
        { id: 4, entity_id: 'e3', resolution: 'Scene', timestamp: '2024-01-01T00:00:00Z' },
      ],
    );
    // (3 + 5) / 400 = 0.02; e1 ends at trained, e2 (no level) and e3 are scene.
    expect(fields).toEqual({
      actual_tokens_used: 400,
      fidelity_efficiency_score: 0.02,
      fidelity_distribution: '{"trained":1,"scene":2}',
    });
  });

  it('breaks a timestamp tie by the higher id, whatever the order of the rows', () => {
    const fields = upgradeV1Run({ tokens_used: 10, entities_created: 1, timepoints_created: 1 }, [
      { id: 9, entity_id: 'e', resolution: 'graph', timestamp: '2024-05-01T00:00:00Z' },
      { id: 3, entity_id: 'e', resolution: 'dialog', timestamp: '2024-05-01T00:00:00Z' },
    ]);
    // 2 / 10 = 0.2; id 9 beats id 3 at the same instant.
    expect(fields).toEqual({
      actual_tokens_used: 10,
      fidelity_efficiency_score: 0.2,
      fidelity_distribution: '{"graph":1}',
    });
  });

  it('reads numbers stored as text, and counts missing counts as zero', () => {
    // Legacy files store anything: '250' tokens, no entity count, 5 timepoints → 5 / 250.
    expect(
      upgradeV1Run({ tokens_used: '250', entities_created: null, timepoints_created: 5 }, []),
    ).toEqual({
      actual_tokens_used: 250,
      fidelity_efficiency_score: 0.02,
      fidelity_distribution: null,
    });
  });

  it('leaves unknown what the v1 data does not tell', () => {
    // No tokens: neither actual tokens nor efficiency.
    expect(upgradeV1Run({ tokens_used: null, entities_created: 4 }, [])).toEqual({
      actual_tokens_used: null,
      fidelity_efficiency_score: null,
      fidelity_distribution: null,
    });
    // Zero tokens: known, but efficiency divides by them.
    expect(
      upgradeV1Run({ tokens_used: 0, entities_created: 4, timepoints_created: 1 }, []),
    ).toEqual({
      actual_tokens_used: 0,
      fidelity_efficiency_score: null,
      fidelity_distribution: null,
    });
    // Negative tokens are not a token count.
    expect(upgradeV1Run({ tokens_used: -5, entities_created: 1 }, [])).toEqual({
      actual_tokens_used: null,
      fidelity_efficiency_score: null,
      fidelity_distribution: null,
    });
    // A negative entity count makes the efficiency unknown, not the tokens.
    expect(upgradeV1Run({ tokens_used: 100, entities_created: -1 }, [])).toEqual({
      actual_tokens_used: 100,
      fidelity_efficiency_score: null,
      fidelity_distribution: null,
    });
  });

  it('changes nothing it is given', () => {
    const run = { run_id: 'r', entities_created: 1, timepoints_created: 1, tokens_used: 4 };
    const assignments = [{ id: 1, entity_id: 'e', resolution: 'DIALOG', timestamp: null }];
    const before = structuredClone({ run, assignments });
    upgradeV1Run(run, assignments);
    expect({ run, assignments }).toEqual(before);
  });
});

describe('backfillParams', () => {
  it('upgrades each run of a page with its own assignments, as update parameters', () => {
    expect(BACKFILLED_COLUMNS).toEqual([
      'actual_tokens_used',
      'fidelity_efficiency_score',
      'fidelity_distribution',
    ]);
    const params = backfillParams(
      [
        { run_id: 'a', entities_created: 2, timepoints_created: 2, tokens_used: 8 },
        { run_id: 'b', entities_created: 0, timepoints_created: 0, tokens_used: null },
      ],
      [
        { id: 1, run_id: 'b', entity_id: 'x', resolution: 'tensor_only', timestamp: null },
        { id: 2, run_id: 'a', entity_id: 'y', resolution: null, timestamp: null },
      ],
    );
    // a: 4 / 8 = 0.5, y at scene; b: no tokens, x at tensor_only.
    expect(params).toEqual([
      [8, 0.5, '{"scene":1}', 'a'],
      [null, null, '{"tensor_only":1}', 'b'],
    ]);
  });
});
