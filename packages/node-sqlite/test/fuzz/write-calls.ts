/**
 * The values and calls the write-API fuzz (`../fuzz-writes.test.ts`) tries:
 * right, nearly right and wrong — lone surrogates, NaN, -0, subnormals, huge
 * numbers, junk of every type, unknown keys, required keys left out.
 */
import fc from 'fast-check';

export const wellFormed = (text: string) =>
  (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** One code point: mostly ASCII, any other one (astral included) too. */
export const unit = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 0x10ffff })
      .filter((c) => c < 0xd800 || c > 0xdfff)
      .map((c) => String.fromCodePoint(c)),
  },
);
const clean = (minLength = 0) => fc.string({ unit, minLength, maxLength: 10 });
/** Text with a lone surrogate half in it (its neighbours are whole code points). */
const illFormed = fc
  .tuple(clean(), fc.integer({ min: 0xd800, max: 0xdfff }), clean())
  .map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`);
export const text = fc.oneof(
  { weight: 40, arbitrary: clean() },
  { weight: 1, arbitrary: illFormed },
);
/** Text for a field that must not be empty: empty now and then. */
export const name = fc.oneof(
  { weight: 40, arbitrary: clean(1) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: illFormed },
);
export const junk = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
});
export const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.nat({ max: 10_000 }),
  fc.constantFrom(
    0,
    -0,
    Number.MIN_VALUE,
    1e-320,
    Number.MAX_VALUE,
    2 ** 53,
    2 ** 53 + 2,
    -1,
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
);
/** A number for a field that takes some: mostly plain, sometimes anything. */
export const amount = (plain: fc.Arbitrary<number>) =>
  fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: number });
/** Mostly `good`, sometimes junk. */
export const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 100, arbitrary: good }, { weight: 1, arbitrary: junk });
export const anyCase = (values: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...values), fc.boolean())
    .map(([value, upper]) => (upper ? value.toUpperCase() : value));
export const time = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

export const MODES = [
  'forward',
  'directorial',
  'branching',
  'cyclical',
  'portal',
  'pearl',
  'nonlinear',
];
export const LEVELS = ['tensor_only', 'scene', 'graph', 'dialog', 'trained', 'full_detail'];

const strategy = fc.record(
  {
    mode: mostly(anyCase(MODES)),
    budgetMode: mostly(anyCase(['hard', 'soft', 'max', 'adaptive', 'orchestrator', 'user'])),
    tokenBudget: mostly(amount(fc.nat({ max: 100_000 }))),
    timepointCount: mostly(fc.nat({ max: 50 })),
    fidelitySchedule: mostly(fc.array(anyCase(LEVELS), { maxLength: 3 })),
    temporalSteps: mostly(fc.array(fc.integer({ min: -12, max: 12 }), { maxLength: 3 })),
    adaptiveThreshold: mostly(amount(fc.double({ min: 0, max: 1, noNaN: true }))),
    allocationRationale: mostly(text),
    estimatedCostUsd: mostly(amount(fc.double({ min: 0, max: 10, noNaN: true }))),
  },
  { requiredKeys: [] },
);

const startInput = fc.record(
  {
    runId: mostly(
      fc.oneof(
        text,
        text.map((t) => `run-${t}`),
      ),
    ),
    templateId: mostly(name),
    causalMode: mostly(
      fc.oneof({ weight: 20, arbitrary: anyCase(MODES) }, { weight: 1, arbitrary: text }),
    ),
    goal: mostly(fc.option(text)),
    originDescription: mostly(fc.option(text)),
    portalDescription: mostly(text),
    portalYear: mostly(amount(fc.integer({ min: -3000, max: 3000 }))),
    backwardSteps: mostly(amount(fc.nat({ max: 100 }))),
    tokenBudget: mostly(amount(fc.nat({ max: 100_000 }))),
    fidelityStrategy: mostly(strategy),
    createdAt: mostly(fc.oneof({ weight: 10, arbitrary: time }, { weight: 1, arbitrary: text })),
  },
  { requiredKeys: ['templateId', 'causalMode'] },
);
/** Now and then an unknown key (a typo), or a required one left out. */
const withTypo = <T extends object>(arb: fc.Arbitrary<T>, required: keyof T) =>
  fc.oneof(
    { weight: 30, arbitrary: arb },
    { weight: 1, arbitrary: arb.map((value) => ({ ...value, tokenbudget: 1 })) },
    {
      weight: 1,
      arbitrary: arb.map((value) => {
        const { [required]: _, ...rest } = value;
        return rest;
      }),
    },
  );

const context = fc.option(
  fc.oneof(
    {
      weight: 10,
      arbitrary: fc.dictionary(text, fc.jsonValue({ maxDepth: 2, stringUnit: unit }), {
        maxKeys: 3,
      }),
    },
    { weight: 1, arbitrary: junk },
  ),
  { nil: undefined },
);
const mechanism = mostly(
  fc.record(
    {
      mechanism: mostly(
        fc.oneof(
          { weight: 10, arbitrary: fc.integer({ min: 1, max: 20 }).map((n) => `M${n}`) },
          { weight: 2, arbitrary: fc.constantFrom('m3', 'M1+M17') },
          { weight: 1, arbitrary: fc.constantFrom('X1', '', 'M', 'M1+') },
        ),
      ),
      functionName: mostly(name),
      context,
      timestamp: mostly(fc.oneof({ weight: 10, arbitrary: time }, { weight: 1, arbitrary: text })),
    },
    { requiredKeys: ['mechanism', 'functionName'] },
  ),
);
const resolution = mostly(
  fc.record(
    {
      entityId: mostly(name),
      resolution: mostly(
        fc.oneof({ weight: 20, arbitrary: anyCase(LEVELS) }, { weight: 1, arbitrary: text }),
      ),
      timepointId: mostly(name),
      timestamp: mostly(time),
    },
    { requiredKeys: ['entityId', 'resolution', 'timepointId'] },
  ),
);
const validation = mostly(
  fc.record(
    {
      validatorName: mostly(name),
      passed: mostly(fc.boolean()),
      message: mostly(fc.option(text)),
      violations: mostly(fc.array(text, { maxLength: 3 })),
    },
    { requiredKeys: ['validatorName', 'passed'] },
  ),
);
const list = <T>(item: fc.Arbitrary<T>) => mostly(fc.array(item, { maxLength: 2 }));
const batch = mostly(
  fc.record(
    { mechanisms: list(mechanism), resolutions: list(resolution), validations: list(validation) },
    { requiredKeys: [] },
  ),
);
const completeInput = fc.record(
  {
    entitiesCreated: mostly(amount(fc.nat({ max: 1000 }))),
    timepointsCreated: mostly(amount(fc.nat({ max: 1000 }))),
    costUsd: mostly(amount(fc.double({ min: 0, max: 100, noNaN: true }))),
    tokensUsed: mostly(amount(fc.nat({ max: 1_000_000 }))),
    tokenBudget: mostly(amount(fc.nat({ max: 100_000 }))),
    actualTokensUsed: mostly(amount(fc.nat({ max: 1_000_000 }))),
    errorMessage: mostly(text),
    oxenRepoUrl: mostly(text),
    tokenBudgetCompliance: mostly(amount(fc.double({ min: 0, max: 3, noNaN: true }))),
  },
  { requiredKeys: ['entitiesCreated', 'timepointsCreated', 'costUsd', 'tokensUsed'] },
);
/** A whole run for saveMetadata (new ids: an upsert over a started run would change its budget). */
const saveInput = fc.record(
  {
    runId: name.map((id) => `saved-${id}`),
    templateId: mostly(name),
    causalMode: mostly(anyCase(MODES)),
    status: mostly(
      fc.oneof(
        { weight: 10, arbitrary: anyCase(['running', 'completed', 'failed']) },
        { weight: 1, arbitrary: text },
      ),
    ),
    goal: mostly(fc.option(text)),
    costUsd: mostly(amount(fc.double({ min: 0, max: 100, noNaN: true }))),
    tokensUsed: mostly(amount(fc.nat({ max: 1_000_000 }))),
    tokenBudgetCompliance: mostly(amount(fc.double({ min: 0, max: 3, noNaN: true }))),
    createdAt: mostly(time),
  },
  { requiredKeys: ['runId'] },
);
/** Which run a call is about. */
export type Target = { existing: number } | { id: unknown };
/** An existing run (by index into the runs started so far), or any value. */
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map((i) => ({ existing: i })) },
  { weight: 1, arbitrary: mostly(text).map((id) => ({ id })) },
);

export const call = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('start' as const),
      input: mostly(withTypo(startInput, 'templateId')),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('batch' as const), target, batch }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('complete' as const),
      target,
      input: mostly(withTypo(completeInput, 'tokensUsed')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('summary' as const), target, summary: mostly(text) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('read' as const),
      method: fc.constantFrom(
        'getRun',
        'getMechanisms',
        'getResolutions',
        'getValidations',
        'getSnapshot',
      ),
      target,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('save' as const),
      run: mostly(withTypo(saveInput, 'runId')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('query' as const),
      sql: mostly(
        fc.constantFrom('SELECT ? AS v', 'SELECT count(*) AS n FROM runs WHERE run_id = ?'),
      ),
      params: mostly(fc.array(fc.oneof(text, number, fc.constant(null)), { maxLength: 2 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('list' as const),
      filter: mostly(
        fc.record(
          {
            templateId: mostly(text),
            status: mostly(anyCase(['running', 'completed', 'failed'])),
            since: mostly(fc.oneof(time, text)),
            where: mostly(
              fc.constantFrom(
                "status = 'failed'",
                'cost_usd > 1 and fidelity.dialog >= 1',
                "goal like '%a%' or goal is null",
                'cost_usd > -.',
                'token_budget_compliance > 1e999',
              ),
            ),
            limit: mostly(amount(fc.nat({ max: 50 }))),
            includeArchive: mostly(fc.boolean()),
            withMechanisms: mostly(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
      ),
    }),
  },
);
export type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;
