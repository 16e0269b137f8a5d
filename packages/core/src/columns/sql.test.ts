import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { canonicalColumns, TABLES } from './registry.js';
import { addColumnSql, createIndexSql, insertSql, schemaDdl, selectSql, updateSql } from './sql.js';

/** The documented v1 columns with their declared types. */
const V1_DOCUMENTED: [string, string][] = [
  ['run_id', 'TEXT'],
  ['template_id', 'TEXT'],
  ['created_at', 'TIMESTAMP'],
  ['updated_at', 'TIMESTAMP'],
  ['causal_mode', 'TEXT'],
  ['goal', 'TEXT'],
  ['origin_description', 'TEXT'],
  ['entities_created', 'INTEGER'],
  ['timepoints_created', 'INTEGER'],
  ['training_examples', 'INTEGER'],
  ['cost_usd', 'REAL'],
  ['llm_calls', 'INTEGER'],
  ['tokens_used', 'INTEGER'],
  ['oxen_repo_url', 'TEXT'],
  ['oxen_dataset_url', 'TEXT'],
  ['error_message', 'TEXT'],
  ['status', 'TEXT'],
  ['portal_description', 'TEXT'],
  ['portal_year', 'INTEGER'],
  ['origin_year', 'INTEGER'],
  ['backward_steps', 'INTEGER'],
];
/** The documented v2 columns appended to them. */
const V2_ADDED: [string, string][] = [
  ['schema_version', 'TEXT'],
  ['fidelity_strategy_json', 'TEXT'],
  ['fidelity_distribution', 'TEXT'],
  ['actual_tokens_used', 'REAL'],
  ['token_budget_compliance', 'REAL'],
  ['fidelity_efficiency_score', 'REAL'],
];

/** Parse `name TYPE ...` column lines out of the CREATE TABLE statement of `table`. */
function createdColumns(ddl: string[], table: string): { name: string; rest: string }[] {
  const create = ddl.find((s) => new RegExp(`^CREATE TABLE (IF NOT EXISTS )?"${table}"`).test(s));
  expect(create, `CREATE TABLE ${table}`).toBeDefined();
  const body = create!.slice(create!.indexOf('(') + 1, create!.lastIndexOf(')'));
  return body
    .split(/,\s*\n/)
    .map((line) => line.trim())
    .filter((line) => !/^(FOREIGN KEY|PRIMARY KEY|UNIQUE|CHECK|CONSTRAINT)\b/i.test(line))
    .map((line) => {
      const match = /^"((?:[^"]|"")+)"\s*(.*)$/s.exec(line);
      expect(match, `column line: ${line}`).not.toBeNull();
      return { name: match![1]!.replaceAll('""', '"'), rest: match![2]! };
    });
}

describe('schemaDdl', () => {
  it('v2: runs has exactly the 27 documented columns, in documented order', () => {
    const columns = createdColumns(schemaDdl('v2'), 'runs');
    const expected = [...V1_DOCUMENTED, ...V2_ADDED];
    expect(columns).toHaveLength(27);
    expect(columns.map((c) => c.name)).toEqual(expected.map(([name]) => name));
    columns.forEach((c, i) => {
      expect(c.rest.split(/\s+/)[0], c.name).toBe(expected[i]![1]);
    });
  });

  it('v2: run_id is the primary key and schema_version defaults to 2.0', () => {
    const columns = createdColumns(schemaDdl('v2'), 'runs');
    expect(columns.find((c) => c.name === 'run_id')?.rest).toMatch(/PRIMARY KEY/);
    expect(columns.find((c) => c.name === 'schema_version')?.rest).toMatch(/DEFAULT '2\.0'/);
  });

  it('v2: matches canonicalColumns(TABLES.runs)', () => {
    const names = createdColumns(schemaDdl('v2'), 'runs').map((c) => c.name);
    expect(names).toEqual(canonicalColumns(TABLES.runs).map((c) => c.name));
  });

  it('v2: creates the child tables, the history table and the documented indexes', () => {
    const ddl = schemaDdl('v2');
    for (const table of [
      'mechanism_usage',
      'resolution_assignments',
      'validations',
      'runmeta_migrations',
    ]) {
      expect(createdColumns(ddl, table).length).toBeGreaterThan(0);
    }
    // An index leading with the column (alone, or first of several) serves lookups by it.
    const indexed = (table: string, column: string) =>
      ddl.some(
        (s) =>
          /^CREATE INDEX/.test(s) &&
          s.includes(`ON "${table}"`) &&
          new RegExp(`\\("${column}"[,)]`).test(s),
      );
    for (const table of ['mechanism_usage', 'resolution_assignments', 'validations']) {
      expect(indexed(table, 'run_id'), `${table}.run_id`).toBe(true);
    }
    for (const column of ['template_id', 'status', 'created_at', 'schema_version']) {
      expect(indexed('runs', column), `runs.${column}`).toBe(true);
    }
    for (const column of ['actual_tokens_used', 'token_budget_compliance']) {
      expect(indexed('runs', column), `runs.${column}`).toBe(true);
    }
  });

  it('v2: child tables reference runs(run_id)', () => {
    const ddl = schemaDdl('v2');
    const mech = ddl.find((s) => s.includes('CREATE TABLE IF NOT EXISTS "mechanism_usage"'))!;
    expect(mech).toMatch(/FOREIGN KEY \("run_id"\) REFERENCES "runs"\("run_id"\)/);
    expect(createdColumns(ddl, 'mechanism_usage').map((c) => c.name)).toEqual([
      'id',
      'run_id',
      'mechanism',
      'function_name',
      'timestamp',
      'context',
    ]);
  });

  it('v1: runs has the 21 documented columns and no v2 column or history table', () => {
    const ddl = schemaDdl('v1');
    const columns = createdColumns(ddl, 'runs');
    expect(columns.map((c) => c.name)).toEqual(V1_DOCUMENTED.map(([name]) => name));
    expect(ddl.join('\n')).not.toContain('schema_version');
    expect(ddl.join('\n')).not.toContain('runmeta_migrations');
  });

  it('creates tables idempotently', () => {
    for (const statement of schemaDdl('v2')) {
      expect(statement).toMatch(/^CREATE (TABLE|INDEX) IF NOT EXISTS /);
    }
  });
});

describe('quoteIdent / quoteLiteral', () => {
  it('wraps identifiers in double quotes and doubles inner quotes', () => {
    expect(quoteIdent('runs')).toBe('"runs"');
    expect(quoteIdent('my "col"')).toBe('"my ""col"""');
    expect(quoteIdent('we"ird col')).toBe('"we""ird col"');
    expect(quoteIdent('')).toBe('""');
    expect(quoteIdent('a""b')).toBe('"a""""b"');
  });

  it('quotes literals with single quotes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});

describe('statements', () => {
  it('insertSql binds one placeholder per column', () => {
    expect(insertSql('runs', ['run_id', 'status'])).toBe(
      'INSERT INTO "runs" ("run_id", "status") VALUES (?, ?)',
    );
  });

  it('insertSql upserts on the key, updating every other column', () => {
    const sql = insertSql('runs', ['run_id', 'status', 'cost_usd'], 'run_id');
    expect(sql).toBe(
      'INSERT INTO "runs" ("run_id", "status", "cost_usd") VALUES (?, ?, ?) ' +
        'ON CONFLICT("run_id") DO UPDATE SET "status" = excluded."status", ' +
        '"cost_usd" = excluded."cost_usd"',
    );
  });

  it('insertSql does nothing on conflict when only the key is given', () => {
    expect(insertSql('runs', ['run_id'], 'run_id')).toBe(
      'INSERT INTO "runs" ("run_id") VALUES (?) ON CONFLICT("run_id") DO NOTHING',
    );
  });

  it('insertSql quotes odd names', () => {
    const sql = insertSql('t"x', ['a b', 'c"d']);
    expect(sql).toBe('INSERT INTO "t""x" ("a b", "c""d") VALUES (?, ?)');
  });

  it('updateSql sets each column and filters by the key', () => {
    expect(updateSql('runs', ['status', 'cost_usd'], 'run_id')).toBe(
      'UPDATE "runs" SET "status" = ?, "cost_usd" = ? WHERE "run_id" = ?',
    );
  });

  it('selectSql and addColumnSql quote identifiers', () => {
    expect(selectSql('runs', ['run_id', 'we"ird'])).toBe('SELECT "run_id", "we""ird" FROM "runs"');
    expect(selectSql('runs', ['run_id'], 'r')).toBe('SELECT "r"."run_id" FROM "runs" AS "r"');
    expect(addColumnSql('runs', '"goal" TEXT')).toBe('ALTER TABLE "runs" ADD COLUMN "goal" TEXT');
  });

  it('createIndexSql names indexes idx_<table>_<column>', () => {
    expect(createIndexSql(TABLES.validations)).toEqual([
      'CREATE INDEX IF NOT EXISTS "idx_validations_run_id" ON "validations" ("run_id")',
    ]);
  });
});
