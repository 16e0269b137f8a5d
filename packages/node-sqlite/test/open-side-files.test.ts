/**
 * What opening a WAL-mode file (no -wal beside it, as every writer leaves one)
 * puts beside it. A read-only session of a small file reads a snapshot, so
 * nothing appears even while it is open (a process killed mid-read leaves
 * nothing); a live one (a dashboard) and the brief look before opening for
 * writing read in place, and the
 * write connection then keeps its usual -wal and -shm until it closes.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import { makeTempDir, removeDir, sha256 } from './process-helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('side');
});
afterEach(() => removeDir(dir));

const listing = () => fs.readdirSync(dir).sort();

describe('side files of a WAL-mode file', () => {
  it('a read-only session of a small file makes none, even while it is open', async () => {
    const file = path.join(dir, 'runs.db');
    const writer = await openRunDatabase(file);
    await writer.startRun({ templateId: 't', causalMode: 'forward' });
    await writer.close();
    expect(listing()).toEqual(['runs.db']);
    expect(fs.readFileSync(file).subarray(18, 20)).toEqual(Buffer.from([2, 2])); // WAL mode
    const before = sha256(file);

    const reader = await openRunDatabase(file, { readOnly: true });
    expect(await reader.getAllRuns()).toHaveLength(1);
    expect(listing()).toEqual(['runs.db']);
    await reader.close();
    expect(listing()).toEqual(['runs.db']);
    expect(sha256(file)).toBe(before);
  });

  it('a live read-only session reads in place: it sees later commits, a snapshot does not, and the file holds them after', async () => {
    const file = path.join(dir, 'runs.db');
    const writer = await openRunDatabase(file);
    await writer.startRun({ templateId: 't', causalMode: 'forward' });
    await writer.close();

    // The snapshot first: once the live reader has made its side files, a
    // read-only open reads in place as well.
    const snapshot = await openRunDatabase(file, { readOnly: true });
    expect(listing()).toEqual(['runs.db']);
    const live = await openRunDatabase(file, { readOnly: true, live: true });
    const version = await live.dataVersion();
    expect(version).not.toBeNull();
    const other = await openRunDatabase(file);
    await other.startRun({ templateId: 't', causalMode: 'forward' });
    await other.close();
    // Plain SQLite on the file counts both runs; the live reader does too, and
    // says the data changed; the snapshot still holds the file as it was opened.
    const plain = new BetterSqlite3(file, { readonly: true });
    expect(plain.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 2 });
    plain.close();
    expect(await live.getAllRuns()).toHaveLength(2);
    expect(await live.dataVersion()).not.toBe(version);
    expect(await snapshot.getAllRuns()).toHaveLength(1);
    expect(await snapshot.dataVersion()).toBeNull(); // a copy: nothing to watch
    await snapshot.close();
    await live.close();
    // The other writer could not fold its commit in while the live reader had
    // the file open; the reader's close did, so the file alone holds both runs.
    expect(listing()).toEqual(['runs.db']);
    const after = new BetterSqlite3(file, { readonly: true });
    expect(after.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 2 });
    after.close();
  });

  it('a live read-only session that saw no write leaves nothing beside the file', async () => {
    const file = path.join(dir, 'runs.db');
    const writer = await openRunDatabase(file);
    await writer.startRun({ templateId: 't', causalMode: 'forward' });
    await writer.close();
    const before = sha256(file);
    const live = await openRunDatabase(file, { readOnly: true, live: true });
    expect(await live.getAllRuns()).toHaveLength(1);
    await live.close();
    expect(listing()).toEqual(['runs.db']);
    expect(sha256(file)).toBe(before);
  });

  it('opening for writing leaves none once closed, and reads every run', async () => {
    const file = path.join(dir, 'runs.db');
    const first = await openRunDatabase(file);
    await first.startRun({ templateId: 't', causalMode: 'forward' });
    await first.close();
    const second = await openRunDatabase(file);
    await second.startRun({ templateId: 't', causalMode: 'forward' });
    expect(await second.getAllRuns()).toHaveLength(2);
    await second.close();
    expect(listing()).toEqual(['runs.db']);
  });
});
