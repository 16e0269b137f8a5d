/** Write commands for non-JS pipelines: start, record, complete. Each prints the run id (or the run as JSON). */
import {
  parseInput,
  RESOLUTION_LEVELS,
  type RecordBatch,
  type RunMetadata,
  StartRunInput,
} from '@runmeta/core';
import { refuseWritingInV1 } from '../archive-words.js';
import type { CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { runJson } from '../output/records.js';
import { decimalNumber, wholeNumber } from './options.js';
import type { CommandSpec } from './types.js';

/** Record child rows of one run (one transaction), then print the run. */
function recordOne(ctx: CliContext, command: string, runId: string, batch: RecordBatch) {
  return withWriter(
    ctx,
    async (m) => {
      await m.recordBatch(runId, batch);
      return m.getRun(runId);
    },
    { command, runId },
  );
}

/**
 * Open for writing, run `fn`, print the run. A command writing to an existing run
 * names it: a v1 file is then refused rather than migrated (the archive strategy
 * would move the run out of reach), and a run found only in the archive is said to be there.
 */
async function withWriter(
  ctx: CliContext,
  fn: (m: Awaited<ReturnType<CliContext['open']>>) => Promise<RunMetadata>,
  existing?: { command: string; runId: string },
) {
  const manager = await ctx.open({
    write: true,
    ...(existing && {
      refuseV1: refuseWritingInV1(ctx.location.display, existing.command, existing.runId),
    }),
  });
  try {
    const run = await fn(manager);
    if (ctx.global.json) ctx.json(runJson(run));
    else ctx.out(run.runId);
    return 0;
  } finally {
    await manager.close();
  }
}

export const start: CommandSpec = {
  name: 'start',
  fieldFlags: {
    runId: '--run-id',
    templateId: '--template',
    causalMode: '--mode',
    goal: '--goal',
    tokenBudget: '--token-budget',
  },
  summary: 'Start a run; prints its run id',
  printsData: true,
  options: [
    { flags: '--template <id>', description: 'template id (required)' },
    {
      flags: '--mode <causal_mode>',
      description:
        'temporal mode (required): forward, directorial, branching, cyclical, portal, pearl, nonlinear',
    },
    { flags: '--run-id <id>', description: 'use this id instead of a generated one' },
    { flags: '--goal <text>', description: 'what the simulation is for' },
    {
      flags: '--token-budget <n>',
      description: 'token budget (for compliance at completion)',
      value: decimalNumber(0),
    },
  ],
  examples: [
    {
      command:
        'RUN=$(runmeta start --template board_meeting --mode directorial --token-budget 50000)',
      description: 'in a shell pipeline',
    },
  ],
  run: (ctx, _args, o) => {
    if (!o.template || !o.mode)
      throw new CliUsageError('start needs --template <id> and --mode <causal_mode>');
    const input: StartRunInput = {
      templateId: String(o.template),
      causalMode: String(o.mode) as 'forward',
      runId: o.runId as string | undefined,
      goal: o.goal as string | undefined,
      tokenBudget: o.tokenBudget as number | undefined,
    };
    // Checked before opening: a v1 file is migrated on open, and a refused
    // `start` must leave it as it was.
    parseInput(StartRunInput, input);
    return withWriter(ctx, (m) => m.startRun(input));
  },
};

export const record: CommandSpec = {
  name: 'record',
  summary: 'Record a mechanism event, resolution assignment or validation',
  examples: [
    {
      command: 'runmeta record mechanism "$RUN" M3 seed_knowledge',
      description: 'a mechanism event',
    },
    {
      command: 'runmeta record resolution "$RUN" ceo DIALOG tp_001',
      description: 'an entity fidelity level',
    },
    {
      command: 'runmeta record validation "$RUN" timeline --passed',
      description: 'a validator outcome',
    },
  ],
  subcommands: [
    {
      name: 'mechanism',
      fieldFlags: {
        'mechanisms[0].mechanism': '<mechanism>',
        'mechanisms[0].functionName': '<function_name>',
        'mechanisms[0].context': '--context',
      },
      summary: 'Record a mechanism event',
      printsData: true,
      arguments: [
        { name: 'run_id', description: 'the run' },
        { name: 'mechanism', description: 'mechanism id, e.g. M3 or M1+M17' },
        { name: 'function_name', description: 'function that fired it' },
      ],
      options: [{ flags: '--context <json>', description: 'context as a JSON object' }],
      examples: [
        {
          command: `runmeta record mechanism "$RUN" M3 seed_knowledge --context '{"args": 2}'`,
          description: 'with context',
        },
      ],
      run: (ctx, [runId, mechanism, functionName], o) => {
        let context: Record<string, never> | undefined;
        if (o.context !== undefined) {
          try {
            context = JSON.parse(String(o.context));
          } catch {
            throw new CliUsageError(`--context must be JSON, got ${String(o.context)}`);
          }
        }
        return recordOne(ctx, 'record mechanism', runId!, {
          mechanisms: [{ mechanism: mechanism!, functionName: functionName!, context }],
        });
      },
    },
    {
      name: 'resolution',
      fieldFlags: {
        'resolutions[0].entityId': '<entity_id>',
        'resolutions[0].resolution': '<level>',
        'resolutions[0].timepointId': '<timepoint_id>',
      },
      summary: 'Record an entity resolution (fidelity) assignment',
      printsData: true,
      arguments: [
        { name: 'run_id', description: 'the run' },
        { name: 'entity_id', description: 'the entity' },
        {
          name: 'level',
          description: `${RESOLUTION_LEVELS.join(', ')} (upper-case accepted)`,
        },
        { name: 'timepoint_id', description: 'the timepoint' },
      ],
      examples: [
        {
          command: 'runmeta record resolution "$RUN" ceo DIALOG tp_001',
          description: 'the CEO at dialog fidelity',
        },
      ],
      run: (ctx, [runId, entityId, level, timepointId]) =>
        recordOne(ctx, 'record resolution', runId!, {
          resolutions: [
            { entityId: entityId!, resolution: level as 'scene', timepointId: timepointId! },
          ],
        }),
    },
    {
      name: 'validation',
      fieldFlags: {
        'validations[0].validatorName': '<validator>',
        'validations[0].message': '--message',
        'validations[0].violations': '--violation',
      },
      summary: 'Record a validator outcome',
      printsData: true,
      arguments: [
        { name: 'run_id', description: 'the run' },
        { name: 'validator', description: 'validator name' },
      ],
      options: [
        { flags: '--passed', description: 'the validation passed' },
        { flags: '--failed', description: 'the validation failed' },
        { flags: '--message <text>', description: 'message' },
        { flags: '--violation <text>', description: 'a violation (repeatable)', repeatable: true },
      ],
      examples: [
        {
          command:
            'runmeta record validation "$RUN" timeline --failed --violation "tp_002 before tp_001"',
          description: 'a failed check',
        },
      ],
      run: (ctx, [runId, validator], o) => {
        if (!!o.passed === !!o.failed)
          throw new CliUsageError('record validation needs exactly one of --passed or --failed');
        return recordOne(ctx, 'record validation', runId!, {
          validations: [
            {
              validatorName: validator!,
              passed: !!o.passed,
              message: o.message as string | undefined,
              violations: (o.violation as string[] | undefined) ?? [],
            },
          ],
        });
      },
    },
  ],
};

export const complete: CommandSpec = {
  name: 'complete',
  fieldFlags: {
    entitiesCreated: '--entities',
    timepointsCreated: '--timepoints',
    trainingExamples: '--training-examples',
    costUsd: '--cost',
    llmCalls: '--llm-calls',
    tokensUsed: '--tokens',
    actualTokens: '--tokens',
    tokenBudget: '--token-budget',
    errorMessage: '--error',
  },
  summary: 'Complete a run and compute its v2 metrics',
  description:
    'Store final counts, cost and tokens; compute token-budget compliance (budget from here or from start), the fidelity distribution (from recorded assignments) and the fidelity-efficiency score. --error marks the run failed.',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run' }],
  options: [
    { flags: '--entities <n>', description: 'entities created (required)', value: wholeNumber(0) },
    {
      flags: '--timepoints <n>',
      description: 'timepoints created (required)',
      value: wholeNumber(0),
    },
    {
      flags: '--training-examples <n>',
      description: 'training examples',
      default: '0',
      value: wholeNumber(0),
    },
    { flags: '--cost <usd>', description: 'cost in USD (required)', value: decimalNumber(0) },
    { flags: '--llm-calls <n>', description: 'LLM calls', default: '0', value: wholeNumber(0) },
    { flags: '--tokens <n>', description: 'tokens used (required)', value: wholeNumber(0) },
    {
      flags: '--token-budget <n>',
      description: 'token budget (else the one given at start)',
      value: decimalNumber(0),
    },
    { flags: '--error <message>', description: 'the run failed with this message' },
  ],
  examples: [
    {
      command: 'runmeta complete "$RUN" --entities 5 --timepoints 3 --cost 0.04 --tokens 43650',
      description: 'finish a run',
    },
  ],
  run: (ctx, [runId], o) => {
    for (const required of ['entities', 'timepoints', 'cost', 'tokens']) {
      if (o[required] === undefined) throw new CliUsageError(`complete needs --${required}`);
    }
    const input = {
      entitiesCreated: o.entities as number,
      timepointsCreated: o.timepoints as number,
      trainingExamples: o.trainingExamples as number,
      costUsd: o.cost as number,
      llmCalls: o.llmCalls as number,
      tokensUsed: o.tokens as number,
      tokenBudget: o.tokenBudget as number | undefined,
      errorMessage: o.error as string | undefined,
    };
    return withWriter(ctx, (m) => m.completeRun(runId!, input), {
      command: 'complete',
      runId: runId!,
    });
  },
};
