/**
 * The shape of the CLI's source, kept true by a test: the CLI parses arguments
 * and prints; SQL, counting and aggregation live in `@runmeta/core`. Each
 * command is one file in `src/commands/` (its declaration) and one in
 * `src/actions/` (its work, loaded when it runs); a command never imports another
 * one's internals (a group file only lists its subcommands), and a declaration
 * imports nothing that loads core at run time (`lazy-loading.test.ts` checks the
 * built result).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
const COMMANDS = path.join(SRC, 'commands');

/** Every `.ts` file under `folder`, as paths relative to `src`. */
function sources(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, file)] : [];
  });
}
const read = (file: string) => fs.readFileSync(path.join(SRC, file), 'utf8');
/** The relative modules a file imports (`./x.js`, `../y/z.js`). */
const relativeImports = (text: string) =>
  [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);

/**
 * SQL as it would be written for a database. Keywords are upper case, as all
 * of runmeta's SQL is; PRAGMA counts where it starts a statement (`'PRAGMA …`,
 * `PRAGMA x(…)`, `PRAGMA x = …`), so prose naming SQLite's integrity check is
 * not mistaken for a query.
 */
const SQL: readonly [string, RegExp][] = [
  ['SELECT', /\bSELECT\s/],
  ['INSERT', /\bINSERT\s/],
  ['UPDATE … SET', /\bUPDATE\s+\S+\s+SET\b/],
  ['DELETE FROM', /\bDELETE\s+FROM\b/],
  ['PRAGMA statement', /['"`]\s*PRAGMA\b|\bPRAGMA\s+\w+\s*(\(|=)/],
  ['a raw query', /\.query\s*\(/],
];

describe('packages/cli/src', () => {
  const files = sources(SRC);

  it('has source files to check', () => {
    expect(files).toContain(path.join('commands', 'index.ts'));
    expect(files.length).toBeGreaterThan(20);
  });

  it('contains no SQL', () => {
    const found = files.flatMap((file) =>
      SQL.filter(([, pattern]) => pattern.test(read(file))).map(([name]) => `${file}: ${name}`),
    );
    expect(found).toEqual([]);
  });

  it('the SQL check finds SQL', () => {
    const finds = (text: string) => SQL.filter(([, p]) => p.test(text)).map(([n]) => n);
    expect(finds("manager.query('SELECT count(*) AS n FROM runs')")).toEqual([
      'SELECT',
      'a raw query',
    ]);
    expect(finds('`INSERT INTO runs (run_id) VALUES (?)`')).toEqual(['INSERT']);
    expect(finds("'UPDATE runs SET status = ?'")).toEqual(['UPDATE … SET']);
    expect(finds("'DELETE FROM runs'")).toEqual(['DELETE FROM']);
    expect(finds("'PRAGMA integrity_check'")).toEqual(['PRAGMA statement']);
    expect(finds('PRAGMA table_info(runs)')).toEqual(['PRAGMA statement']);
    expect(finds("(SQLite's PRAGMA integrity_check; on PostgreSQL a full read)")).toEqual([]);
    expect(finds('select a run, update its status, delete the file')).toEqual([]);
  });

  it('has one command per file in commands/, importing no other command', () => {
    const problems: string[] = [];
    for (const name of fs.readdirSync(COMMANDS)) {
      if (name === 'index.ts' || name === 'types.ts') continue;
      const text = read(path.join('commands', name));
      const declared = text.match(/^export const \w+: CommandSpec = /gm) ?? [];
      if (declared.length !== 1) problems.push(`${name}: declares ${declared.length} commands`);
      const group = name.replace(/\.ts$/, '');
      for (const target of relativeImports(text)) {
        if (!target.startsWith('./') || target === './types.js') continue;
        // A command group lists its subcommands, `runs.ts` → `./runs-list.js`.
        if (target.startsWith(`./${group}-`)) continue;
        problems.push(`${name} imports ${target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares commands without loading core, node-sqlite or postgres', () => {
    const heavy =
      /^import (?!type )[^;]*from '@runmeta\/(core|node-sqlite|postgres)(\/adapter)?';/m;
    const problems = fs
      .readdirSync(COMMANDS)
      .filter((name) => heavy.test(read(path.join('commands', name))))
      .map((name) => `commands/${name}`);
    expect(problems).toEqual([]);
  });

  it('is imported from commands/ only through commands/index.ts', () => {
    const outside = files.filter((file) => !file.startsWith(`commands${path.sep}`));
    const problems = outside.flatMap((file) =>
      relativeImports(read(file))
        .filter((target) => /\bcommands\/(?!index\.js$|types\.js$)/.test(target))
        .map((target) => `${file} imports ${target}`),
    );
    expect(problems).toEqual([]);
  });
});
