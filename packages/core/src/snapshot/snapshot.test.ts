import { describe, expect, it } from 'vitest';
import {
  formatFidelityBlock,
  formatSnapshotForLlm,
  type SimulationSnapshot,
  summarizeNarrative,
} from './snapshot.js';

function snapshot(overrides: Partial<SimulationSnapshot> = {}): SimulationSnapshot {
  return {
    runId: 'run_20251029_123354_abcd',
    templateId: 'board_meeting',
    causalMode: 'pearl',
    status: 'completed',
    entitiesCreated: 6,
    timepointsCreated: 3,
    mechanismsUsed: ['M1', 'M2', 'M17'],
    costUsd: 0.0421,
    fidelityDistribution: { dialog: 2, scene: 3, tensor_only: 1 },
    actualTokensUsed: 53_571,
    tokenBudgetCompliance: 0.873,
    fidelityEfficiencyScore: 0.000168,
    narrative: null,
    ...overrides,
  };
}

const FIDELITY_BLOCK = [
  'Fidelity Distribution (M1):',
  '  DIALOG: 2 entities',
  '  SCENE: 3 entities',
  '  TENSOR_ONLY: 1 entities',
  '',
  'Token Budget Compliance: ✓ 87.3%',
  'Fidelity Efficiency: 0.000168 quality/token',
].join('\n');

/** The lines of the text form from the distribution header onward. */
function distributionLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf('Fidelity Distribution (M1):');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end);
}

const lineStarting = (text: string, prefix: string) =>
  text.split('\n').find((line) => line.startsWith(prefix));

describe('formatSnapshotForLlm', () => {
  it('contains the fidelity block exactly', () => {
    const text = formatSnapshotForLlm(snapshot());
    expect(text).toContain(FIDELITY_BLOCK);
  });

  it('formatFidelityBlock produces exactly the fidelity block lines', () => {
    expect(formatFidelityBlock(snapshot()).join('\n')).toBe(FIDELITY_BLOCK);
  });

  it('produces the same block for upper-case distribution keys', () => {
    const text = formatSnapshotForLlm(
      snapshot({ fidelityDistribution: { TENSOR_ONLY: 1, SCENE: 3, DIALOG: 2 } }),
    );
    expect(text).toContain(FIDELITY_BLOCK);
  });

  it('sorts levels finest first whatever the input order', () => {
    const text = formatSnapshotForLlm(
      snapshot({
        fidelityDistribution: {
          scene: 1,
          tensor_only: 2,
          full_detail: 3,
          graph: 4,
          trained: 5,
          dialog: 6,
        },
      }),
    );
    expect(distributionLines(text)).toEqual([
      '  FULL_DETAIL: 3 entities',
      '  TRAINED: 5 entities',
      '  DIALOG: 6 entities',
      '  GRAPH: 4 entities',
      '  SCENE: 1 entities',
      '  TENSOR_ONLY: 2 entities',
    ]);
  });

  it('marks compliance over 1.0 with ⚠ (26.56 → ⚠ 2656.0%)', () => {
    const text = formatSnapshotForLlm(snapshot({ tokenBudgetCompliance: 26.56 }));
    expect(lineStarting(text, 'Token Budget Compliance:')).toBe(
      'Token Budget Compliance: ⚠ 2656.0%',
    );
    expect(text).not.toContain('✓');
  });

  it('marks compliance of exactly 1.0 with ✓', () => {
    const text = formatSnapshotForLlm(snapshot({ tokenBudgetCompliance: 1 }));
    expect(lineStarting(text, 'Token Budget Compliance:')).toBe(
      'Token Budget Compliance: ✓ 100.0%',
    );
    expect(text).not.toContain('⚠');
  });

  it('marks compliance just over 1.0 with ⚠', () => {
    const text = formatSnapshotForLlm(snapshot({ tokenBudgetCompliance: 1.0004 }));
    expect(lineStarting(text, 'Token Budget Compliance:')).toMatch(/^Token Budget Compliance: ⚠ /);
  });

  it('prints efficiency with 6 decimals', () => {
    const eff = (value: number) =>
      lineStarting(
        formatSnapshotForLlm(snapshot({ fidelityEfficiencyScore: value })),
        'Fidelity E',
      );
    expect(eff(0.5)).toBe('Fidelity Efficiency: 0.500000 quality/token');
    expect(eff(0.0001234567)).toBe('Fidelity Efficiency: 0.000123 quality/token');
    expect(eff(0)).toBe('Fidelity Efficiency: 0.000000 quality/token');
  });

  it('prints n/a lines for null metrics', () => {
    const text = formatSnapshotForLlm(
      snapshot({
        fidelityDistribution: null,
        tokenBudgetCompliance: null,
        fidelityEfficiencyScore: null,
      }),
    );
    expect(text).toContain('Fidelity Distribution (M1):');
    expect(lineStarting(text, 'Token Budget Compliance:')).toMatch(/n\/a/);
    expect(lineStarting(text, 'Fidelity Efficiency:')).toMatch(/n\/a/);
    expect(text).not.toMatch(/NaN|null|undefined/);
    expect(text).not.toMatch(/[✓⚠]/);
  });

  it('says why a metric is missing: no budget or tokens for v2 runs, not recorded for v1 runs', () => {
    const missing = {
      fidelityDistribution: null,
      tokenBudgetCompliance: null,
      fidelityEfficiencyScore: null,
      actualTokensUsed: null,
    };
    expect(formatFidelityBlock(snapshot({ ...missing, schemaVersion: '2.0' }))).toEqual([
      'Fidelity Distribution (M1):',
      '  (not recorded)',
      '',
      'Token Budget Compliance: n/a (no budget)',
      'Fidelity Efficiency: n/a (no tokens)',
    ]);
    expect(formatFidelityBlock(snapshot({ ...missing, schemaVersion: '1.0' }))).toEqual([
      'Fidelity Distribution (M1):',
      '  (v1 run: not recorded)',
      '',
      'Token Budget Compliance: n/a (v1 run: not recorded)',
      'Fidelity Efficiency: n/a (v1 run: not recorded)',
    ]);
    // A v1 run that used no tokens has no efficiency for the same reason a v2 run has none.
    expect(
      formatFidelityBlock(snapshot({ ...missing, schemaVersion: '1.0', actualTokensUsed: 0 })).at(
        -1,
      ),
    ).toBe('Fidelity Efficiency: n/a (no tokens)');
  });

  it('marks metrics computed from a v1 run’s own data', () => {
    const block = formatFidelityBlock(
      snapshot({
        schemaVersion: '1.0',
        tokenBudgetCompliance: null,
        fidelityDistribution: { trained: 3 },
        fidelityEfficiencyScore: 0.001333,
        derivedFromV1: ['fidelityDistribution', 'actualTokensUsed', 'fidelityEfficiencyScore'],
      }),
    );
    expect(block).toEqual([
      'Fidelity Distribution (M1):',
      '  TRAINED: 3 entities',
      '  (computed from v1 resolution assignments)',
      '',
      'Token Budget Compliance: n/a (v1 run: not recorded)',
      'Fidelity Efficiency: 0.001333 quality/token (computed from v1 data)',
    ]);
  });

  it('handles an empty distribution without level lines', () => {
    const text = formatSnapshotForLlm(snapshot({ fidelityDistribution: {} }));
    expect(distributionLines(text).some((l) => /entities$/.test(l))).toBe(false);
  });

  it('includes the run identity and the mechanisms used', () => {
    const text = formatSnapshotForLlm(snapshot());
    expect(text).toContain('run_20251029_123354_abcd');
    expect(text).toContain('board_meeting');
    expect(text).toContain('pearl');
    expect(text).toContain('M1, M2, M17');
  });

  it('does not print null/undefined for missing identity fields', () => {
    const text = formatSnapshotForLlm(
      snapshot({
        templateId: null,
        causalMode: null,
        status: null,
        entitiesCreated: null,
        timepointsCreated: null,
        costUsd: null,
        mechanismsUsed: [],
      }),
    );
    expect(text).not.toMatch(/null|undefined|NaN/);
  });

  it('includes the narrative summary when present', () => {
    const text = formatSnapshotForLlm(
      snapshot({
        narrative: {
          source: 'narrative_20251029.json',
          characters: ['Ada', 'Grace'],
          timeline: ['Founding', 'Crisis'],
          latestEvent: 'Crisis',
          dialogCount: 4,
        },
      }),
    );
    expect(text).toContain('narrative_20251029.json');
    expect(text).toContain('Ada, Grace');
    expect(text).toContain('Crisis');
    expect(text).toMatch(/Dialogs: 4/);
    expect(text).toContain(FIDELITY_BLOCK);
  });
});

describe('summarizeNarrative', () => {
  it('reads characters given as strings', () => {
    const summary = summarizeNarrative('n.json', { characters: ['Ada', 'Grace'] });
    expect(summary.source).toBe('n.json');
    expect(summary.characters).toEqual(['Ada', 'Grace']);
    expect(summary.timeline).toEqual([]);
    expect(summary.latestEvent).toBeNull();
    expect(summary.dialogCount).toBe(0);
  });

  it('reads characters given as objects and de-duplicates them', () => {
    const summary = summarizeNarrative('n.json', {
      characters: [{ name: 'Ada', role: 'ceo' }, { id: 'grace' }, { name: 'Ada' }, 42, null],
    });
    expect(summary.characters).toEqual(['Ada', 'grace']);
  });

  it('reads the timeline in order; the latest event is its last entry', () => {
    const summary = summarizeNarrative('n.json', {
      timeline: [{ event: 'Founding' }, { description: 'Merger' }, 'Crisis'],
    });
    expect(summary.timeline).toEqual(['Founding', 'Merger', 'Crisis']);
    expect(summary.latestEvent).toBe('Crisis');
  });

  it('counts dialogs', () => {
    const summary = summarizeNarrative('n.json', {
      dialogs: [{ speaker: 'a' }, { speaker: 'b' }, { speaker: 'c' }],
    });
    expect(summary.dialogCount).toBe(3);
    expect(summarizeNarrative('n.json', { dialog_count: 7 }).dialogCount).toBe(7);
  });

  it.each([null, undefined, 42, 'text', true, [1, 2, 3]])(
    'does not throw on non-object input (%j)',
    (input) => {
      const summary = summarizeNarrative('odd.json', input);
      expect(summary).toEqual({
        source: 'odd.json',
        characters: [],
        timeline: [],
        latestEvent: null,
        dialogCount: 0,
      });
    },
  );

  it('ignores fields of the wrong type', () => {
    const summary = summarizeNarrative('n.json', {
      characters: 'Ada',
      timeline: { a: 1 },
      dialogs: 3,
    });
    expect(summary.characters).toEqual([]);
    expect(summary.timeline).toEqual([]);
    expect(Number.isInteger(summary.dialogCount)).toBe(true);
    expect(summary.dialogCount).toBeGreaterThanOrEqual(0);
  });
});
