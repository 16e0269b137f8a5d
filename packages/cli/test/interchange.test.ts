/**
 * `runmeta export --children` and `runmeta import --from <dump.jsonl>` as real
 * processes: every shared fixture, carried over, dumps, imports into a new file
 * (and into PostgreSQL) and dumps again to the same bytes; what was imported
 * equals the fixture, checked with plain better-sqlite3; a bad line or a run the
 * target holds imports nothing and leaves the files as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  parseCsv,
  plainAll,
  plainRun,
  removeDir,
  runCli,
  sha256,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';

const temp = makeTempDir('cli-interchange');
afterAll(() => removeDir(temp));
const cli = (args: string[]) => runCli(args, { cwd: temp });

/** Runs and child rows per run, from a plain connection: what a dump must carry. */
const PER_RUN = `SELECT r.run_id,
  (SELECT count(*) FROM mechanism_usage m WHERE m.run_id = r.run_id) AS mechanisms,
  (SELECT count(*) FROM resolution_assignments a WHERE a.run_id = r.run_id) AS resolutions,
  (SELECT count(*) FROM validations v WHERE v.run_id = r.run_id) AS validations
  FROM runs r ORDER BY r.run_id`;

/** Equal as stored, or as JSON where a JSON column's text was written compactly. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** JSON text with every object key in camelCase (`planning_mode` → `planningMode`). */
function camelKeys(json: string): string {
  return JSON.stringify(JSON.parse(json), (_, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value).map(([k, v]) => [
            k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
            v,
          ]),
        )
      : value,
  );
}

/** Every column of every row of `table` in `a` equals the same row's in `b` (rows by `order`). */
function expectSameRows(a: string, b: string, table: string, order: string): void {
  const left = plainAll(a, `SELECT * FROM ${table} ORDER BY ${order}`);
  const right = plainAll(b, `SELECT * FROM ${table} ORDER BY ${order}`);
  expect(right).toHaveLength(left.length);
  left.forEach((row, i) => {
    for (const [column, value] of Object.entries(row)) {
      if (column === 'id') continue;
      const other = right[i]![column];
      expect(sameValue(value, other), `${table}.${column} of row ${i}: ${value} / ${other}`).toBe(
        true,
      );
    }
  });
}

describe('a dump round-trips through runmeta export --children and import', () => {
  for (const fixture of [V1_18, V1_20, V2_32]) {
    it(`${fixture}, carried over: dump → import → dump gives the same bytes, every row kept`, async () => {
      const dir = path.join(temp, fixture);
      const source = copyFixture(fixture, dir);
      const reference = copyFixture(fixture, path.join(dir, 'reference'));
      const migrated = await cli(['--db', source, 'migrate', '--strategy', 'carry-over', '--yes']);
      expect(migrated.code, migrated.stderr).toBe(0);
      const first = path.join(dir, 'first.jsonl');
      const exported = await cli(['--db', source, 'export', '--children', '--out', first]);
      expect(exported.code, exported.stderr).toBe(0);

      const copy = path.join(dir, 'copy', 'runs.db');
      fs.mkdirSync(path.dirname(copy));
      const imported = await cli(['--db', copy, 'import', '--from', first, '--json']);
      expect(imported.code, imported.stderr).toBe(0);
      const perRun = plainAll(reference, PER_RUN);
      const total = (key: string) => perRun.reduce((n, r) => n + Number(r[key]), 0);
      expect(JSON.parse(imported.stdout)).toMatchObject({
        runs: perRun.length,
        skipped: 0,
        rows: {
          mechanisms: total('mechanisms'),
          resolutions: total('resolutions'),
          validations: total('validations'),
        },
      });

      const second = path.join(dir, 'second.jsonl');
      const again = await cli(['--db', copy, 'export', '--children', '--out', second]);
      expect(again.code, again.stderr).toBe(0);
      expect(sha256(second)).toBe(sha256(first));
      // What was imported is the fixture's: runs, child rows per run, every column.
      expect(plainAll(copy, PER_RUN)).toEqual(perRun);
      expectSameRows(source, copy, 'runs', 'run_id');
      for (const table of ['mechanism_usage', 'resolution_assignments', 'validations']) {
        expectSameRows(source, copy, table, 'run_id, id');
      }
    });
  }

  for (const fixture of [V1_18, V1_20, V2_32]) {
    it(`${fixture}, carried over: CSV has a field for every column of every run, values as stored`, async () => {
      const dir = path.join(temp, `csv-${fixture}`);
      const source = copyFixture(fixture, dir);
      expect(
        (await cli(['--db', source, 'migrate', '--strategy', 'carry-over', '--yes'])).code,
      ).toBe(0);
      const result = await cli(['--db', source, 'export', '--format', 'csv']);
      expect(result.code, result.stderr).toBe(0);
      const [header, ...records] = parseCsv(result.stdout);
      const columns = plainAll(source, 'SELECT name FROM pragma_table_info(?)', ['runs']).map((r) =>
        String(r.name),
      );
      // One field per column (known ones by their SDK name, others as extra.<column>), and source.
      expect(header).toHaveLength(columns.length + 1);
      const fieldOf = (column: string) => {
        const camel =
          column === 'fidelity_strategy_json'
            ? 'fidelityStrategy'
            : column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        return header!.includes(camel) ? camel : `extra.${column}`;
      };
      expect(
        columns.every((c) => header!.includes(fieldOf(c))),
        columns.join(),
      ).toBe(true);
      const rows = plainAll(source, 'SELECT * FROM runs ORDER BY run_id');
      expect(records).toHaveLength(rows.length);
      const byId = new Map(records.map((r) => [r[header!.indexOf('runId')], r]));
      for (const row of rows) {
        const record = byId.get(String(row.run_id))!;
        for (const column of columns) {
          const cell = record[header!.indexOf(fieldOf(column))];
          const value = row[column] === null ? '' : String(row[column]);
          // The strategy is exported as the SDK reads it: the same content, camelCase keys.
          const stored = column === 'fidelity_strategy_json' && value ? camelKeys(value) : value;
          expect(sameValue(cell, stored), `${row.run_id}.${column}: ${cell} / ${value}`).toBe(true);
        }
      }
    });
  }

  it('refuses a bad line with exit 2 naming it: the target unchanged, a new target never made', async () => {
    const dir = path.join(temp, 'bad-line');
    const source = copyFixture(V2_32, dir);
    const dump = path.join(dir, 'dump.jsonl');
    expect((await cli(['--db', source, 'export', '--children', '--out', dump])).code).toBe(0);
    const good = fs.readFileSync(dump, 'utf8').split('\n').slice(0, 5).join('\n');
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, `${good}\n{"runId":"x","tokensUsed":"many"}\n`);

    const fresh = path.join(dir, 'fresh.db');
    const checked = await cli(['--db', fresh, 'import', '--from', bad, '--dry-run']);
    expectOneErrorLine(checked, 2);
    expect(checked.stderr).toMatch(/line 6: /);
    const dry = await cli(['--db', fresh, 'import', '--from', dump, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, runs: 110, skipped: 0 });
    const refused = await cli(['--db', fresh, 'import', '--from', bad]);
    expectOneErrorLine(refused, 2);
    expect(refused.stderr).toMatch(/line 6: tokensUsed: "many" is not a valid whole number/);
    expect(refused.stderr).toMatch(/Nothing was imported/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('fresh'))).toEqual([]);

    const before = sha256(source);
    const intoSource = await cli(['--db', source, 'import', '--from', bad]);
    expectOneErrorLine(intoSource, 2);
    expect(sha256(source)).toBe(before);
  });

  it('refuses runs the target holds, naming the flag; --skip-existing leaves them out', async () => {
    const dir = path.join(temp, 'existing');
    const source = copyFixture(V2_32, dir);
    const dump = path.join(dir, 'dump.jsonl');
    expect((await cli(['--db', source, 'export', '--children', '--out', dump])).code).toBe(0);
    const before = sha256(source);
    const refused = await cli(['--db', source, 'import', '--from', dump]);
    expectOneErrorLine(refused, 2);
    expect(refused.stderr).toMatch(/line 1: run \S+ exists already.*--skip-existing/);
    expect(sha256(source)).toBe(before);

    const dry = await cli([
      '--db',
      source,
      'import',
      '--from',
      dump,
      '--dry-run',
      '--skip-existing',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Would import \(dry run, nothing written\) 0 run\(s\)/);
    expect(sha256(source)).toBe(before);
    const skipped = await cli(['--db', source, 'import', '--from', dump, '--skip-existing']);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toMatch(/Imported 0 run\(s\)[\s\S]*Left out 110 run\(s\)/);
  });

  it('refuses to import into a v1 file, which would need a migration first; the file unchanged', async () => {
    const dir = path.join(temp, 'into-v1');
    const source = copyFixture(V2_32, dir);
    const dump = path.join(dir, 'dump.jsonl');
    expect((await cli(['--db', source, 'export', '--children', '--out', dump])).code).toBe(0);
    const v1 = copyFixture(V1_18, path.join(dir, 'v1'));
    const before = sha256(v1);
    const refused = await cli(['--db', v1, 'import', '--from', dump]);
    expectOneErrorLine(refused, 3);
    expect(refused.stderr).toMatch(/schema v1; importing a dump into it would first migrate it/);
    expect(refused.stderr).toMatch(/runmeta migrate --yes/);
    expect(sha256(v1)).toBe(before);
    expect(fs.readdirSync(path.dirname(v1))).toEqual(['runs.db']);
  });

  it('keeps values as stored: a number in an INTEGER column, enum spellings, folded keys, a child column the table lacks', async () => {
    const dir = path.join(temp, 'as-stored');
    const source = copyFixture(V2_32, dir);
    expect((await cli(['--db', source, 'migrate', '--yes'])).code).toBe(0);
    const [first, second] = plainAll(source, 'SELECT run_id FROM runs ORDER BY run_id LIMIT 2');
    plainRun(
      source,
      `UPDATE runs SET tokens_used = 2.5, status = 'COMPLETED', causal_mode = 'Pearl',
         fidelity_distribution = '{"DIALOG": 3, "dialog": 1}' WHERE run_id = '${first!.run_id}'`,
    );
    plainRun(source, 'ALTER TABLE validations DROP COLUMN violations');
    plainRun(
      source,
      `INSERT INTO validations (run_id, validator_name, passed, timestamp, message)
         VALUES ('${second!.run_id}', 'v', 1, '2025-01-01T00:00:00', NULL)`,
    );
    const dump = path.join(dir, 'dump.jsonl');
    expect((await cli(['--db', source, 'export', '--children', '--out', dump])).code).toBe(0);
    const copy = path.join(dir, 'copy.db');
    const imported = await cli(['--db', copy, 'import', '--from', dump]);
    expect(imported.code, imported.stderr).toBe(0);
    const columns = 'run_id, tokens_used, status, causal_mode, fidelity_distribution';
    const sql = `SELECT ${columns} FROM runs WHERE run_id = '${first!.run_id}'`;
    expect(plainAll(copy, sql)).toEqual(plainAll(source, sql));
    const again = path.join(dir, 'again.jsonl');
    expect((await cli(['--db', copy, 'export', '--children', '--out', again])).code).toBe(0);
    expect(sha256(again)).toBe(sha256(dump));
  });

  it('says which flags do not go together', async () => {
    const csv = await cli(['export', '--format', 'csv', '--children']);
    expectOneErrorLine(csv, 2);
    expect(csv.stderr).toMatch(/--children needs --format jsonl/);
    const dump = path.join(temp, 'empty.jsonl');
    fs.writeFileSync(dump, '');
    const replace = await cli([
      '--db',
      path.join(temp, 'r.db'),
      'import',
      '--from',
      dump,
      '--replace',
    ]);
    expectOneErrorLine(replace, 2);
    expect(replace.stderr).toMatch(/--replace.*is a dump/);
  });

  it('moves a file to PostgreSQL through a dump: the server dumps the same bytes', async () => {
    const dir = path.join(temp, 'to-postgres');
    const source = copyFixture(V1_20, dir);
    expect((await cli(['--db', source, 'migrate', '--strategy', 'carry-over', '--yes'])).code).toBe(
      0,
    );
    const dump = path.join(dir, 'dump.jsonl');
    expect((await cli(['--db', source, 'export', '--children', '--out', dump])).code).toBe(0);
    const server = `${inject('postgresUrl')}?schema=dump_${process.pid}`;
    const imported = await cli(['import', '--from', dump, '--to', server]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Imported 393 run\(s\).*17179 mechanism events/);
    const back = path.join(dir, 'back.jsonl');
    const exported = await cli(['--db', server, 'export', '--children', '--out', back]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(sha256(back)).toBe(sha256(dump));
  });
});
