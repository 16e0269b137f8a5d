import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from './records.js';
import { CompleteRunInput, RunFilter, StartRunInput } from './run-metadata.js';
import { FidelityTemporalStrategy } from './strategy.js';
import { parseInput } from './validate.js';
import { MechanismId, Timestamp } from './values.js';

function rejection(schema: z.ZodMiniType, value: unknown, prefix?: string): ValidationError {
  try {
    parseInput(schema, value, prefix);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected parseInput to throw a ValidationError');
}

const start = { templateId: 'board_meeting', causalMode: 'forward' };
const complete = {
  entitiesCreated: 6,
  timepointsCreated: 3,
  costUsd: 0.05,
  tokensUsed: 12_000,
};

describe('parseInput: accepted input', () => {
  it('returns the parsed value with upper-case enum names normalised', () => {
    const parsed = parseInput(StartRunInput, {
      ...start,
      causalMode: 'PEARL',
      fidelityStrategy: { planningMode: 'HYBRID', budgetMode: 'HARD', minResolution: 'SCENE' },
    });
    expect(parsed.causalMode).toBe('pearl');
    expect(parsed.fidelityStrategy?.planningMode).toBe('hybrid');
    expect(parsed.fidelityStrategy?.budgetMode).toBe('hard');
    expect(parsed.fidelityStrategy?.minResolution).toBe('scene');
  });

  it('normalises resolution levels and mechanism ids', () => {
    const a = parseInput(ResolutionAssignmentInput, {
      entityId: 'e1',
      resolution: 'TENSOR_ONLY',
      timepointId: 't1',
    });
    expect(a.resolution).toBe('tensor_only');
    const m = parseInput(MechanismUsageInput, { mechanism: 'm1+m17', functionName: 'f' });
    expect(m.mechanism).toBe('M1+M17');
  });

  it('lowercases distribution keys on completion and applies defaults', () => {
    const parsed = parseInput(CompleteRunInput, {
      ...complete,
      fidelityDistribution: { DIALOG: 2, SCENE: 3, TENSOR_ONLY: 1 },
    });
    expect(parsed.fidelityDistribution).toEqual({ dialog: 2, scene: 3, tensor_only: 1 });
    expect(parsed.trainingExamples).toBe(0);
    expect(parsed.llmCalls).toBe(0);
  });

  it('accepts compliance far over 1.0 (real value 26.56)', () => {
    expect(
      parseInput(CompleteRunInput, { ...complete, tokenBudgetCompliance: 26.56 })
        .tokenBudgetCompliance,
    ).toBe(26.56);
  });

  it('accepts the zone-less timestamps the earlier tool wrote', () => {
    expect(parseInput(Timestamp, '2025-10-29T12:33:54.753120')).toBe('2025-10-29T12:33:54.753120');
    expect(parseInput(Timestamp, '2025-10-29T12:33:54Z')).toBe('2025-10-29T12:33:54Z');
  });

  it('fills strategy defaults', () => {
    const s = parseInput(FidelityTemporalStrategy, { mode: 'portal' });
    expect(s).toMatchObject({
      adaptiveThreshold: 0.7,
      minResolution: 'tensor_only',
      maxResolution: 'trained',
      fidelitySchedule: [],
      temporalSteps: [],
    });
  });
});

describe('parseInput: strict rejections name the field', () => {
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['negative', -5],
  ])('fidelityStrategy.tokenBudget %s', (_label, tokenBudget) => {
    const error = rejection(StartRunInput, { ...start, fidelityStrategy: { tokenBudget } });
    expect(error.field).toBe('fidelityStrategy.tokenBudget');
    expect(error.message).toMatch(/^\[runmeta\] Invalid fidelityStrategy\.tokenBudget/);
    expect(error.code).toBe('RUNMETA_VALIDATION');
    expect(error.exitCode).toBe(2);
  });

  it.each([
    ['entitiesCreated', Number.NaN],
    ['entitiesCreated', -1],
    ['entitiesCreated', 1.5],
    ['timepointsCreated', Number.POSITIVE_INFINITY],
    ['tokensUsed', -100],
    ['costUsd', Number.NaN],
    ['costUsd', -0.01],
    ['tokenBudget', Number.POSITIVE_INFINITY],
    ['actualTokensUsed', Number.NaN],
    ['tokenBudgetCompliance', Number.POSITIVE_INFINITY],
    ['fidelityEfficiencyScore', -1],
  ])('completeRun %s = %s', (field, value) => {
    expect(rejection(CompleteRunInput, { ...complete, [field]: value }).field).toBe(field);
  });

  it('names the array index for a bad mechanism', () => {
    const schema = z.array(MechanismUsageInput);
    const error = rejection(
      schema,
      [
        { mechanism: 'M1', functionName: 'ok' },
        { mechanism: 'X9', functionName: 'bad' },
      ],
      'mechanisms',
    );
    expect(error.field).toBe('mechanisms[1].mechanism');
    const first = rejection(schema, [{ mechanism: 'nope', functionName: 'f' }], 'mechanisms');
    expect(first.field).toBe('mechanisms[0].mechanism');
  });

  it('names a bad distribution count', () => {
    const error = rejection(CompleteRunInput, {
      ...complete,
      fidelityDistribution: { dialog: -1 },
    });
    expect(error.field).toMatch(/^fidelityDistribution/);
  });

  it('rejects an unknown enum value on write', () => {
    expect(rejection(StartRunInput, { ...start, causalMode: 'quantum' }).field).toBe('causalMode');
    expect(
      rejection(ResolutionAssignmentInput, { entityId: 'e', resolution: 'ultra', timepointId: 't' })
        .field,
    ).toBe('resolution');
    expect(rejection(RunFilter, { status: 'paused' }).field).toBe('status');
  });

  it('rejects empty required text', () => {
    expect(rejection(StartRunInput, { ...start, templateId: '' }).field).toBe('templateId');
    expect(rejection(ValidationRecordInput, { validatorName: 'v' }).field).toBe('passed');
  });

  it('rejects a bad timestamp and a schedule with an unknown level', () => {
    expect(rejection(StartRunInput, { ...start, createdAt: 'yesterday' }).field).toBe('createdAt');
    const error = rejection(StartRunInput, {
      ...start,
      fidelityStrategy: { fidelitySchedule: ['scene', 'ultra'] },
    });
    expect(error.field).toBe('fidelityStrategy.fidelitySchedule[1]');
  });

  it('rejects an adaptive threshold outside 0..1', () => {
    const error = rejection(FidelityTemporalStrategy, { mode: 'forward', adaptiveThreshold: 1.5 });
    expect(error.field).toBe('adaptiveThreshold');
  });

  it('uses the prefix, or "input" for a top-level problem', () => {
    expect(rejection(CompleteRunInput, { ...complete, tokensUsed: -1 }, 'run').field).toBe(
      'run.tokensUsed',
    );
    expect(rejection(CompleteRunInput, 'not an object').field).toBe('input');
  });

  it('keeps the zod error as the cause', () => {
    const error = rejection(MechanismId, 'X');
    expect(error.cause).toBeInstanceOf(z.core.$ZodError);
  });
});

describe('parseInput: messages show the value received', () => {
  const message = (schema: z.ZodMiniType, value: unknown, prefix?: string) =>
    rejection(schema, value, prefix).message;

  it.each([
    ['a number for text (invalid_type)', { ...start, templateId: 5 }, 'templateId', '(got 5)'],
    ['an object for text', { ...start, templateId: { a: 1 } }, 'templateId', '(got {a: 1})'],
    [
      'an unknown enum value (union)',
      { ...start, causalMode: 'quantum' },
      'causalMode',
      '(got "quantum")',
    ],
    ['a negative budget (too_small)', { ...start, tokenBudget: -5 }, 'tokenBudget', '(got -5)'],
    [
      'Infinity',
      { ...start, tokenBudget: Number.POSITIVE_INFINITY },
      'tokenBudget',
      '(got Infinity)',
    ],
    [
      'a bad timestamp (invalid_format)',
      { ...start, createdAt: 'yesterday' },
      'createdAt',
      '(got "yesterday")',
    ],
    [
      'a nested bad level',
      { ...start, fidelityStrategy: { fidelitySchedule: ['scene', 'ultra'] } },
      'fidelityStrategy.fidelitySchedule[1]',
      '(got "ultra")',
    ],
  ])('startRun: %s', (_label, input, field, got) => {
    const error = rejection(StartRunInput, input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(got);
    expect(error.message).not.toContain('got undefined');
  });

  it.each([
    ['NaN', Number.NaN, 'costUsd', '(got NaN)'],
    ['-Infinity', Number.NEGATIVE_INFINITY, 'costUsd', '(got -Infinity)'],
    ['a string', '0.5', 'costUsd', '(got "0.5")'],
  ])('completeRun costUsd %s (invalid_type)', (_label, costUsd, field, got) => {
    const error = rejection(CompleteRunInput, { ...complete, costUsd });
    expect(error.field).toBe(field);
    expect(error.message).toContain(got);
    expect(error.message).toContain('must be a finite number');
  });

  it('a fraction where a count is required', () => {
    expect(message(CompleteRunInput, { ...complete, entitiesCreated: 1.5 })).toContain(
      'must be a whole number (got 1.5)',
    );
  });

  it('a custom check (a context that is not a JSON object)', () => {
    expect(
      message(MechanismUsageInput, { mechanism: 'M1', functionName: 'f', context: [1, 2] }),
    ).toContain('(got [1, 2])');
  });

  it('an invalid_value (z.enum) and a bad mechanism id (invalid_format)', () => {
    expect(message(z.strictObject({ a: z.enum(['x', 'y']) }), { a: 'z' })).toContain('(got "z")');
    expect(message(MechanismUsageInput, { mechanism: 'X9', functionName: 'f' })).toContain(
      '(got "X9")',
    );
  });

  it('abbreviates long and deep values, and names a missing value as missing', () => {
    const long = message(StartRunInput, { ...start, tokenBudget: 'x'.repeat(5000) });
    expect(long.length).toBeLessThan(300);
    expect(long).toContain('(got "xxxx');
    const deep = message(StartRunInput, {
      ...start,
      templateId: { a: { b: { c: { d: 1 } } }, list: Array.from({ length: 50 }, (_, i) => i) },
    });
    expect(deep).toContain('(got {a: {b: {…}}, list: [0, 1, 2, 3, 4, …]})');
    const missing = rejection(ValidationRecordInput, { validatorName: 'v' });
    expect(missing.field).toBe('passed');
    expect(missing.message).toContain('is required');
    expect(missing.message).not.toContain('undefined');
  });

  it('names an unknown key by its path and suggests the known one', () => {
    const error = rejection(StartRunInput, { ...start, tokenBudgt: 5 });
    expect(error.field).toBe('tokenBudgt');
    expect(error.message).toContain('did you mean tokenBudget?');
    const nested = rejection(StartRunInput, {
      ...start,
      fidelityStrategy: { minResoluton: 'scene' },
    });
    expect(nested.field).toBe('fidelityStrategy.minResoluton');
    expect(nested.message).toContain('did you mean minResolution?');
  });
});
