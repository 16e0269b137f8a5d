/**
 * Operator safety: the CLI never destroys data it did not make, never writes half
 * a file, and never overwrites finished results.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir, runCli, sha256, V1_20 } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('cli-safety');
});
afterAll(() => removeDir(dir));

describe('operator safety', () => {
  it('demo refuses a folder it did not make, leaving it untouched', async () => {
    const folder = path.join(dir, 'real', 'metadata');
    fs.mkdirSync(folder, { recursive: true });
    const db = copyFixture(V1_20, folder);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'keep me');
    const before = sha256(db);
    const result = await runCli(['demo', '--dir', path.join(dir, 'real'), '--runs', '10'], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('was not made by runmeta demo');
    expect(sha256(db)).toBe(before);
    expect(fs.readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('demo may replace its own folder', async () => {
    const args = ['demo', '--dir', path.join(dir, 'demo'), '--runs', '10'];
    expect((await runCli(args, { cwd: dir })).code).toBe(0);
    expect((await runCli(args, { cwd: dir })).code).toBe(0);
  });

  it('export never overwrites the database, an existing file, or writes into a missing folder', async () => {
    const folder = path.join(dir, 'export');
    fs.mkdirSync(folder);
    const db = copyFixture(V1_20, folder);
    const before = sha256(db);
    const intoDb = await runCli(['--db', db, 'export', '--out', db, '--force'], { cwd: dir });
    expect(intoDb.code).toBe(2);
    expect(sha256(db)).toBe(before);
    fs.writeFileSync(path.join(folder, 'old.jsonl'), 'old');
    const existing = await runCli(['--db', db, 'export', '--out', path.join(folder, 'old.jsonl')], {
      cwd: dir,
    });
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain('--force');
    expect(fs.readFileSync(path.join(folder, 'old.jsonl'), 'utf8')).toBe('old');
    const missing = await runCli(
      ['--db', db, 'export', '--out', path.join(folder, 'nope', 'x.jsonl')],
      { cwd: dir },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const forced = await runCli(
      ['--db', db, 'export', '--out', path.join(folder, 'old.jsonl'), '--force'],
      { cwd: dir },
    );
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(folder).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('complete refuses to overwrite a finished run', async () => {
    const db = path.join(dir, 'twice', 'runs.db');
    const start = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
    });
    const runId = start.stdout.trim();
    const args = [
      '--db',
      db,
      'complete',
      runId,
      '--entities',
      '1',
      '--timepoints',
      '1',
      '--cost',
      '0.1',
    ];
    expect((await runCli([...args, '--tokens', '1500'], { cwd: dir })).code).toBe(0);
    const again = await runCli([...args, '--tokens', '500'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already completed');
    const shown = JSON.parse(
      (await runCli(['--db', db, '--json', 'runs', 'show', runId], { cwd: dir })).stdout,
    );
    expect(shown.run.tokensUsed).toBe(1500);
  });

  it('runs show reads the child rows of an archived run', async () => {
    const folder = path.join(dir, 'archived');
    fs.mkdirSync(folder);
    const db = copyFixture(V1_20, folder);
    expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir })).code).toBe(0);
    const list = JSON.parse(
      (await runCli(['--db', db, '--json', 'runs', 'list', '--include-archive'], { cwd: dir }))
        .stdout,
    );
    const counts = await Promise.all(
      list.slice(0, 40).map(async (run: { runId: string }) => {
        const shown = JSON.parse(
          (await runCli(['--db', db, '--json', 'runs', 'show', run.runId], { cwd: dir })).stdout,
        );
        return shown.mechanisms.length as number;
      }),
    );
    expect(counts.some((n) => n > 0)).toBe(true);
  });
});
