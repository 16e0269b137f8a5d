/**
 * runmeta's own hidden names (`_rowid_`, the order it pages by) never collide
 * with a file's columns of the same name: an import keeps such a table's rows
 * in insertion order, and a carry-over that cannot copy such a column into v2
 * says so, naming it, before changing anything. Checked with plain better-sqlite3.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  plainAll,
  plainRun,
  removeDir,
  runCli,
  sha256,
  V1_18,
} from './helpers.js';

const temp = makeTempDir('cli-hidden-names');
afterAll(() => removeDir(temp));

describe('a file with columns named like runmeta’s hidden ones', () => {
  it('imports a table with its own _rowid_ and __runmeta_order, rows in insertion order', async () => {
    const file = copyFixture(V1_18, path.join(temp, 'import'));
    // Values out of sort order, a NULL among them: ordering by them would show.
    plainRun(
      file,
      `CREATE TABLE notes ("_rowid_" TEXT, "__runmeta_order" TEXT, x INTEGER);
       INSERT INTO notes VALUES ('z', 'q', 1), (NULL, 'b', 2), ('a', NULL, 3);`,
    );
    const target = path.join(temp, 'import', 'copy.db');
    const result = await runCli(['import', '--from', file, '--to', target], { cwd: temp });
    expect(result.code, result.stderr).toBe(0);
    const archive = path.join(temp, 'import', 'copy_v1_archive.db');
    const rows = (f: string) =>
      plainAll(f, 'SELECT "_rowid_", "__runmeta_order", x FROM notes ORDER BY rowid');
    expect(rows(archive)).toEqual(rows(file));
  });

  it('refuses a carry-over of runs with its own _rowid_, naming it, and changes nothing', async () => {
    const file = copyFixture(V1_18, path.join(temp, 'carry'));
    plainRun(file, `ALTER TABLE runs ADD COLUMN "_rowid_" TEXT; UPDATE runs SET "_rowid_" = 'q';`);
    const before = sha256(file);
    const result = await runCli(['--db', file, 'migrate', '--strategy', 'carry-over', '--yes'], {
      cwd: temp,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toMatch(/runs has a column of its own named _rowid_.*--strategy archive/);
    expect(sha256(file)).toBe(before);
  });
});
