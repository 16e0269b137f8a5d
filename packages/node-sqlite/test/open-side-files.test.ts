/**
 * What opening a WAL-mode file (no -wal beside it, as every writer leaves one)
 * puts beside it. A read-only session of a small file reads a snapshot, so
 * nothing appears even while it is open (a process killed mid-read leaves
 * nothing); the brief look before opening for writing reads in place, and the
 * write connection then keeps its usual -wal and -shm until it closes.
 */
import fs from 'node:fs';
import path from 'node:path';
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
