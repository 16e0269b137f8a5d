/**
 * The pure functions the SDK exports for callers' own data (metrics, snapshot
 * text, time input, text checks) refuse arguments of the wrong type with a
 * typed `ValidationError` naming the argument — never a TypeError from inside
 * (every failure typed).
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import {
  fidelityDistribution,
  fidelityEfficiencyScore,
  sortedDistribution,
  tokenBudgetCompliance,
} from './metrics/fidelity.js';
import { sortMechanisms } from './metrics/mechanisms.js';
import { metricsFromV1 } from './metrics/v1-metrics.js';
import { illFormedText, isWellFormedText, loneSurrogateIndex, utf8Problem } from './schema/text.js';
import { parseTimeInput, timeInputProblem } from './schema/time.js';
import { formatFidelityBlock, formatSnapshotForLlm } from './snapshot/snapshot.js';

function refusal(attempt: () => unknown): ValidationError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('accepted');
}

describe('exported functions check their arguments', () => {
  it.each([
    ['fidelityDistribution(null)', () => fidelityDistribution(null as never), 'assignments'],
    ['fidelityDistribution(5)', () => fidelityDistribution(5 as never), 'assignments'],
    ['fidelityDistribution([null])', () => fidelityDistribution([null] as never), 'assignments[0]'],
    [
      'fidelityDistribution without entity ids',
      () => fidelityDistribution([{ resolution: 'scene' }] as never),
      'assignments[0].entityId',
    ],
    [
      'tokenBudgetCompliance(Symbol)',
      () => tokenBudgetCompliance(Symbol('x') as never, 1),
      'actualTokens',
    ],
    ['tokenBudgetCompliance("5", 1)', () => tokenBudgetCompliance('5' as never, 1), 'actualTokens'],
    ['tokenBudgetCompliance(1, "5")', () => tokenBudgetCompliance(1, '5' as never), 'tokenBudget'],
    [
      'fidelityEfficiencyScore(1n, …)',
      () => fidelityEfficiencyScore(1n as never, 1, 1),
      'entitiesCreated',
    ],
    ['sortedDistribution(null)', () => sortedDistribution(null as never), 'distribution'],
    ['sortMechanisms(5)', () => sortMechanisms(5 as never), 'mechanisms'],
    ['sortMechanisms([1])', () => sortMechanisms([1] as never), 'mechanisms[0]'],
    ['metricsFromV1(null, [])', () => metricsFromV1(null as never, []), 'run'],
    ['metricsFromV1({}, null)', () => metricsFromV1({}, null as never), 'assignments'],
    ['formatSnapshotForLlm(null)', () => formatSnapshotForLlm(null as never), 'snapshot'],
    ['formatSnapshotForLlm({})', () => formatSnapshotForLlm({} as never), 'snapshot.runId'],
    ['formatFidelityBlock(5)', () => formatFidelityBlock(5 as never), 'snapshot'],
    ['timeInputProblem(5)', () => timeInputProblem(5 as never), 'time'],
    ['parseTimeInput(null)', () => parseTimeInput(null as never), 'time'],
    ['parseTimeInput("yesterday")', () => parseTimeInput('yesterday'), 'time'],
    ['isWellFormedText(Symbol)', () => isWellFormedText(Symbol('x') as never), 'text'],
    ['loneSurrogateIndex(5)', () => loneSurrogateIndex(5 as never), 'text'],
    ['utf8Problem("x")', () => utf8Problem('x' as never), 'bytes'],
  ])('%s', (_label, attempt, field) => {
    expect(refusal(attempt).field).toBe(field);
  });

  it('still answers for good arguments', () => {
    expect(
      fidelityDistribution([{ entityId: 'a', resolution: 'DIALOG' }, { entityId: 'b' }]),
    ).toEqual({
      dialog: 1,
      scene: 1,
    });
    expect(sortMechanisms(['M10', 'M2'])).toEqual(['M2', 'M10']);
    expect(isWellFormedText('ok 😀')).toBe(true);
    expect(illFormedText({ a: ['ok', 5, null] })).toBeNull();
    expect(utf8Problem(new Uint8Array([0x61, 0xff]))).toContain('61ff');
    expect(parseTimeInput('2025-11-01')).toBe('2025-11-01T00:00:00');
  });
});
