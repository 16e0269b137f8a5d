/**
 * Hostile values given to the SDK, on real better-sqlite3 files:
 * text that would not round-trip (a lone UTF-16 surrogate, stored as U+FFFD) is
 * refused where it enters, naming the field; every public method checks its
 * arguments (a TypeError or a storage error is never the answer to a wrong
 * argument); filters too large for the engine are refused as filters, pointing
 * at the place. Every refusal leaves the folder byte-identical (plain reads).
 */

import fs from 'node:fs';
import path from 'node:path';
import {
  importRunDatabase,
  MetadataManager,
  ValidationError,
  WHERE_LIMITS,
  WhereSyntaxError,
} from '@runmeta/core';
import { filterLimitError } from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotDir } from '../../../test-support/temp-files.js';
import { createNodeSqliteAdapter } from '../src/index.js';
import { makeTempDir, plainAll, removeDir } from './process-helpers.js';

let dir: string;
let manager: MetadataManager;
beforeEach(async () => {
  dir = makeTempDir('hostile-inputs');
  manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: dir }) });
  await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
});
afterEach(async () => {
  await manager.close();
  removeDir(dir);
});

const file = () => path.join(dir, 'runs.db');
/** The folder's files and their hashes; -shm is left out: readers write their marks there. */
const files = () =>
  Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([name]) => !name.endsWith('-shm')));

/** The error `attempt` fails with (sync throw or rejection), or null. */
async function failure(attempt: () => unknown): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  return null;
}

/** Every row of every table of the file, read with plain better-sqlite3. */
function contents(): Record<string, unknown[]> {
  const tables = plainAll(file(), "SELECT name FROM sqlite_master WHERE type = 'table'");
  return Object.fromEntries(
    tables.map(({ name }) => [name, plainAll(file(), `SELECT * FROM "${String(name)}"`)]),
  );
}

const LONE = 'ab\ud800c';
const finish = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0, tokensUsed: 10 };

describe('text that would not round-trip is refused where it enters', () => {
  const cases: [string, (m: MetadataManager) => unknown, string][] = [
    [
      'startRun runId',
      (m) => m.startRun({ runId: LONE, templateId: 't', causalMode: 'forward' }),
      'runId',
    ],
    [
      'startRun templateId',
      (m) => m.startRun({ templateId: LONE, causalMode: 'forward' }),
      'templateId',
    ],
    [
      'startRun goal',
      (m) => m.startRun({ templateId: 't', causalMode: 'forward', goal: LONE }),
      'goal',
    ],
    [
      'startRun originDescription',
      (m) => m.startRun({ templateId: 't', causalMode: 'forward', originDescription: '\udfff' }),
      'originDescription',
    ],
    [
      'startRun portalDescription',
      (m) => m.startRun({ templateId: 't', causalMode: 'forward', portalDescription: LONE }),
      'portalDescription',
    ],
    [
      'a strategy text',
      (m) =>
        m.startRun({
          templateId: 't',
          causalMode: 'forward',
          fidelityStrategy: { allocationRationale: LONE },
        }),
      'fidelityStrategy.allocationRationale',
    ],
    [
      'a mechanism function name',
      (m) => m.recordMechanism('r', { mechanism: 'M1', functionName: LONE }),
      'mechanisms[0].functionName',
    ],
    [
      'a context value, deep inside',
      (m) =>
        m.recordMechanisms('r', [
          { mechanism: 'M1', functionName: 'f' },
          { mechanism: 'M2', functionName: 'g', context: { a: { b: ['ok', LONE] } } },
        ]),
      'mechanisms[1].context.a.b[1]',
    ],
    [
      'a context key',
      (m) => m.recordMechanism('r', { mechanism: 'M1', functionName: 'f', context: { [LONE]: 1 } }),
      'mechanisms[0].context',
    ],
    [
      'an entity id',
      (m) => m.recordResolution('r', { entityId: LONE, resolution: 'scene', timepointId: 'tp' }),
      'resolutions[0].entityId',
    ],
    [
      'a timepoint id',
      (m) => m.recordResolutions('r', [{ entityId: 'e', resolution: 'scene', timepointId: LONE }]),
      'resolutions[0].timepointId',
    ],
    [
      'a validator name',
      (m) => m.recordValidation('r', { validatorName: LONE, passed: true }),
      'validations[0].validatorName',
    ],
    [
      'a validation message',
      (m) => m.recordValidation('r', { validatorName: 'v', passed: true, message: LONE }),
      'validations[0].message',
    ],
    [
      'a violation',
      (m) =>
        m.recordValidations('r', [{ validatorName: 'v', passed: false, violations: ['ok', LONE] }]),
      'validations[0].violations[1]',
    ],
    [
      'a batch item',
      (m) =>
        m.recordBatch('r', {
          mechanisms: [
            { mechanism: 'M1', functionName: 'f' },
            { mechanism: 'M2', functionName: 'f', context: { note: LONE } },
          ],
        }),
      'mechanisms[1].context.note',
    ],
    [
      'the run id of a record',
      (m) => m.recordMechanism(LONE, { mechanism: 'M1', functionName: 'f' }),
      'runId',
    ],
    [
      'an error message',
      (m) => m.completeRun('r', { ...finish, errorMessage: LONE }),
      'errorMessage',
    ],
    ['an oxen url', (m) => m.completeRun('r', { ...finish, oxenRepoUrl: LONE }), 'oxenRepoUrl'],
    ['the run id of a completion', (m) => m.completeRun(LONE, finish), 'runId'],
    ['a summary', (m) => m.updateSummary('r', LONE), 'summary'],
    [
      'saveMetadata text',
      (m) => m.saveMetadata({ runId: 'r2', templateId: 't', goal: LONE }),
      'goal',
    ],
    ['saveMetadata run id', (m) => m.saveMetadata({ runId: LONE, templateId: 't' }), 'runId'],
    ['a stale-run reason', (m) => m.closeStaleRuns({ olderThanMs: 0, reason: LONE }), 'reason'],
  ];

  it.each(cases)(
    'refuses a lone surrogate in %s, naming the field; nothing is written',
    async (_label, attempt, field) => {
      const before = files();
      const rows = contents();
      const error = await failure(() => attempt(manager));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as Error).message).toContain('lone UTF-16 surrogate');
      expect((error as Error).message).toMatch(/\\ud[89a-f][0-9a-f]{2}/);
      expect(contents()).toEqual(rows);
      expect(files()).toEqual(before);
    },
  );

  it('still stores every well-formed text, astral characters and U+FFFD included, and reads it back equal', async () => {
    const text = 'é 😀 \ufffd 中 \u0000 end';
    const run = await manager.startRun({
      runId: `id ${text}`,
      templateId: text,
      causalMode: 'forward',
      goal: text,
    });
    await manager.recordMechanism(run.runId, {
      mechanism: 'M1',
      functionName: text,
      context: { [text]: [text] },
    });
    expect((await manager.getRun(run.runId)).goal).toBe(text);
    const [stored] = plainAll(file(), 'SELECT run_id, goal FROM runs WHERE template_id = ?', [
      text,
    ]);
    expect(stored).toEqual({ run_id: `id ${text}`, goal: text });
    expect((await manager.getMechanisms(run.runId))[0]!.context).toEqual({ [text]: [text] });
  });

  it('refuses ill-formed text in reads too, rather than answering for another run', async () => {
    // U+FFFD is what the engine would match a lone surrogate against.
    await manager.startRun({ runId: 'ab\ufffdc', templateId: 'ab\ufffdc', causalMode: 'forward' });
    const reads: [() => unknown, string][] = [
      [() => manager.getRun(LONE), 'runId'],
      [() => manager.getMechanisms(LONE), 'runId'],
      [() => manager.getResolutions(LONE), 'runId'],
      [() => manager.getValidations(LONE), 'runId'],
      [() => manager.getSnapshot(LONE), 'runId'],
      [() => manager.getAllRuns({ templateId: LONE }), 'filter.templateId'],
      [() => manager.getAllRuns({ where: `run_id = '${LONE}'` }), 'filter.where'],
      [() => manager.query('SELECT run_id FROM runs WHERE run_id = ?', [LONE]), 'params[0]'],
      [() => manager.query(`SELECT '${LONE}'`), 'sql'],
    ];
    for (const [attempt, field] of reads) {
      const error = await failure(attempt);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });
});

describe('every public method checks its arguments', () => {
  const calls: [string, (m: MetadataManager) => unknown, string][] = [
    ['recordBatch(id, null)', (m) => m.recordBatch('r', null as never), 'batch'],
    ['recordBatch(id, "x")', (m) => m.recordBatch('r', 'x' as never), 'batch'],
    [
      'recordBatch with mechanisms not an array',
      (m) => m.recordBatch('r', { mechanisms: 5 as never }),
      'mechanisms',
    ],
    [
      'recordBatch with an unknown key',
      (m) => m.recordBatch('r', { mechanism: [] } as never),
      'mechanism',
    ],
    ['recordMechanisms(id, "abc")', (m) => m.recordMechanisms('r', 'abc' as never), 'mechanisms'],
    ['recordResolutions(id, {})', (m) => m.recordResolutions('r', {} as never), 'resolutions'],
    ['recordValidations(id, 7)', (m) => m.recordValidations('r', 7 as never), 'validations'],
    [
      'recordMechanism(5, …)',
      (m) => m.recordMechanism(5 as never, { mechanism: 'M1', functionName: 'f' }),
      'runId',
    ],
    ['recordBatch({}, …)', (m) => m.recordBatch({} as never, {}), 'runId'],
    ['completeRun(5, …)', (m) => m.completeRun(5 as never, finish), 'runId'],
    ['completeRun("", …)', (m) => m.completeRun('', finish), 'runId'],
    ['updateSummary(null, …)', (m) => m.updateSummary(null as never, 'x'), 'runId'],
    ['getRun({})', (m) => m.getRun({} as never), 'runId'],
    ['getRun(5)', (m) => m.getRun(5 as never), 'runId'],
    ['getMechanisms(null)', (m) => m.getMechanisms(null as never), 'runId'],
    ['getResolutions([])', (m) => m.getResolutions([] as never), 'runId'],
    ['getValidations(1n)', (m) => m.getValidations(1n as never), 'runId'],
    ['getSnapshot(5)', (m) => m.getSnapshot(5 as never), 'runId'],
    ['getMechanisms(id, 5)', (m) => m.getMechanisms('r', 5 as never), 'options'],
    ['saveMetadata(null)', (m) => m.saveMetadata(null as never), 'run'],
    ['saveMetadata("r")', (m) => m.saveMetadata('r' as never), 'run'],
    ['query(5)', (m) => m.query(5 as never), 'sql'],
    ['query(sql, {a: 1})', (m) => m.query('SELECT 1', { a: 1 } as never), 'params'],
    ['query(sql, [{}])', (m) => m.query('SELECT ?', [{}] as never), 'params[0]'],
    ['query with a parameter missing', (m) => m.query('SELECT ? AS a, ? AS b', ['x']), 'params'],
    ['query with SQL the engine cannot run', (m) => m.query('SELECT nope FROM nowhere'), 'sql'],
    [
      'saveMetadata with a typo',
      (m) => m.saveMetadata({ runId: 'r3', tokenbudget: 5 } as never),
      'tokenbudget',
    ],
    ['runsColumns(null)', (m) => m.runsColumns(null as never), 'options'],
    [
      'runsColumns({ includeArchive: "yes" })',
      (m) => m.runsColumns({ includeArchive: 'yes' } as never),
      'includeArchive',
    ],
    ['iterateRuns(null)', (m) => m.iterateRuns(null as never).next(), 'filter'],
  ];

  it.each(calls)(
    '%s is a ValidationError naming the argument; nothing is written',
    async (_label, attempt, field) => {
      const before = files();
      const rows = contents();
      const error = await failure(() => attempt(manager));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as ValidationError).exitCode).toBe(2);
      expect(contents()).toEqual(rows);
      expect(files()).toEqual(before);
    },
  );
});

describe('filters too large for the engine', () => {
  it('refuses and/or chains of 1,000 terms and in lists of 40,000 values as filters, not storage errors', async () => {
    const chain = Array.from({ length: 1_000 }, () => 'cost_usd > 1').join(' and ');
    const list = `cost_usd in (${Array.from({ length: 40_000 }, (_, i) => i).join(', ')})`;
    for (const where of [chain, list, `${'not '.repeat(10_000)}cost_usd > 1`]) {
      for (const attempt of [
        () => manager.getAllRuns({ where }),
        () => manager.iterateRuns({ where }).next(),
        () => manager.getAllRuns({ where, includeArchive: true, withMechanisms: true }),
      ]) {
        const error = await failure(attempt);
        expect(error).toBeInstanceOf(WhereSyntaxError);
        expect((error as WhereSyntaxError).exitCode).toBe(2);
      }
    }
  });

  it('runs a filter at every limit at once on a real file, with the answer plain SQL gives', async () => {
    await manager.startRun({ runId: 'g', templateId: 't', causalMode: 'forward', goal: 'a goal' });
    await manager.startRun({ runId: 'h', templateId: 't', causalMode: 'forward', goal: 'other' });
    await manager.completeRun('g', { ...finish, costUsd: 3 });
    await manager.completeRun('h', { ...finish, costUsd: 20_000 });
    const values = Array.from({ length: WHERE_LIMITS.values }, (_, i) => i);
    const quarter = values.length / 4;
    const lists = [0, 1, 2, 3].map(
      (i) => `cost_usd in (${values.slice(i * quarter, (i + 1) * quarter).join(', ')})`,
    );
    const rest = Array.from({ length: WHERE_LIMITS.conditions - lists.length - 1 }, (_, i) =>
      i % 2 ? 'fidelity.dialog is null' : "created_at > '2000-01-01'",
    );
    const half = WHERE_LIMITS.depth / 2;
    const deep = `${'not '.repeat(half)}${'('.repeat(half)}goal like '${'%'.repeat(WHERE_LIMITS.patternLength)}'${')'.repeat(half)}`;
    const where = `(${lists.join(' or ')}) and ${rest.join(' and ')} and ${deep}`;
    const found = await manager.getAllRuns({ where, withMechanisms: true });
    const expected = plainAll(
      file(),
      `SELECT run_id FROM runs WHERE cost_usd IN (${values.join(', ')}) AND created_at > '2000' AND fidelity_distribution IS NULL AND goal LIKE '%' ORDER BY created_at`,
    );
    expect(expected.length).toBe(1);
    expect(found.map((run) => run.runId)).toEqual(expected.map((row) => row.run_id));
  });

  it("turns the engine's own refusal of a statement's size into a filter error pointing at the place", () => {
    const db = new BetterSqlite3(':memory:');
    const engine = (sql: string, params: unknown[] = []) => {
      try {
        db.prepare(sql).all(...params);
      } catch (error) {
        return error;
      }
      throw new Error(`the engine accepted ${sql.slice(0, 40)}`);
    };
    const variables = engine(`SELECT ${Array.from({ length: 40_000 }, () => '?').join(', ')}`);
    const depth = engine(`SELECT ${Array.from({ length: 1_100 }, () => '1').join(' AND ')}`);
    db.close();
    const where = "status = 'failed' and cost_usd in (1, 2, 3)";
    const tooMany = filterLimitError(variables, where);
    expect(tooMany).toBeInstanceOf(WhereSyntaxError);
    expect(tooMany!.position).toBe(where.indexOf('('));
    expect(tooMany!.message).toContain('too many SQL variables');
    const tooDeep = filterLimitError(depth, `${where} and (goal is null)`);
    expect(tooDeep).toBeInstanceOf(WhereSyntaxError);
    expect(tooDeep!.message).toContain('Expression tree is too large');
    expect(tooDeep!.exitCode).toBe(2);
    // Anything else stays what it was.
    expect(filterLimitError(new Error('disk I/O error'), where)).toBeNull();
    expect(filterLimitError(variables, undefined)).toBeNull();
  });
});

describe('engine limits outside filters', () => {
  it('reads pages larger than the engine takes parameters (mechanisms, archive ids) without a storage error', async () => {
    // 33,000 runs, written with plain SQL: one page of them needs more than
    // SQLite's 32,766 parameters if their ids are looked up in one statement.
    await manager.close();
    const db = new BetterSqlite3(file());
    const insert = db.prepare(
      "INSERT INTO runs (run_id, template_id, causal_mode, status, created_at) VALUES (?, 't', 'forward', 'running', '2025-01-01T00:00:00Z')",
    );
    const mechanism = db.prepare(
      "INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp) VALUES (?, 'M2', 'f', '2025-01-01T00:00:00Z')",
    );
    db.transaction(() => {
      for (let i = 0; i < 33_000; i++) {
        insert.run(`bulk-${i}`);
        if (i % 1000 === 0) mechanism.run(`bulk-${i}`);
      }
    })();
    db.close();
    manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: dir }) });
    const seen: string[] = [];
    let withM2 = 0;
    for await (const run of manager.iterateRuns({ withMechanisms: true }, { pageSize: 40_000 })) {
      seen.push(run.runId);
      if (run.mechanismsUsed?.includes('M2')) withM2++;
    }
    expect(seen.length).toBe(Number(plainAll(file(), 'SELECT count(*) AS n FROM runs')[0]!.n));
    expect(withM2).toBe(
      Number(plainAll(file(), 'SELECT count(DISTINCT run_id) AS n FROM mechanism_usage')[0]!.n),
    );
  });
});

describe('importing a file whose text is not UTF-8', () => {
  /** A v2 source file (written by the SDK) with `bytes` stored as text in one run's goal. */
  async function source(bytes: string): Promise<{ folder: string; file: string }> {
    const folder = path.join(dir, `source-${bytes}`);
    fs.mkdirSync(folder);
    const m = await MetadataManager.open({
      adapter: createNodeSqliteAdapter({ directory: folder }),
    });
    await m.startRun({ runId: 'fine', templateId: 't', causalMode: 'forward', goal: 'ok \ufffd' });
    await m.startRun({ runId: 'odd', templateId: 't', causalMode: 'forward' });
    await m.close();
    const file = path.join(folder, 'runs.db');
    const db = new BetterSqlite3(file);
    db.prepare(`UPDATE runs SET goal = CAST(x'${bytes}' AS TEXT) WHERE run_id = 'odd'`).run();
    db.close();
    return { folder, file };
  }

  it('refuses it, naming the table, column and run, rather than storing U+FFFD; nothing is imported', async () => {
    const { folder } = await source('61ff62');
    const before = snapshotDir(folder);
    const target = path.join(dir, 'target');
    fs.mkdirSync(target);
    const error = await failure(() =>
      importRunDatabase({
        from: { adapter: createNodeSqliteAdapter({ directory: folder }) },
        to: { adapter: createNodeSqliteAdapter({ directory: target }) },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('runs.goal');
    expect((error as Error).message).toContain('not UTF-8');
    expect((error as Error).message).toContain('odd');
    expect(fs.readdirSync(target).filter((name) => !name.endsWith('.lock'))).toEqual([]);
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('still imports U+FFFD stored as the character it is', async () => {
    const { folder } = await source(Buffer.from('x\ufffdy').toString('hex'));
    const target = path.join(dir, 'target-ok');
    fs.mkdirSync(target);
    await importRunDatabase({
      from: { adapter: createNodeSqliteAdapter({ directory: folder }) },
      to: { adapter: createNodeSqliteAdapter({ directory: target }) },
    });
    const copied = path.join(target, 'runs.db');
    expect(plainAll(copied, "SELECT hex(goal) AS goal FROM runs WHERE run_id = 'odd'")).toEqual(
      plainAll(
        path.join(folder, 'runs.db'),
        "SELECT hex(goal) AS goal FROM runs WHERE run_id = 'odd'",
      ),
    );
  });
});

describe('values that would take forever to check', () => {
  it('refuses a context whose shared objects make it astronomically large, instead of hanging', async () => {
    // 60 levels, each holding the next twice: 2^60 values once written out as JSON.
    let context: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 60; i++) context = { a: context, b: context };
    const before = files();
    const error = await failure(() =>
      manager.recordMechanism('r', {
        mechanism: 'M1',
        functionName: 'f',
        context: context as never,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('mechanisms[0].context');
    expect(files()).toEqual(before);
  });
});
