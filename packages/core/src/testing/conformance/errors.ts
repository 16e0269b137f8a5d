/**
 * Refusals: what is not a runmeta database (or is newer than this version) is
 * refused with a typed error and left unchanged; a read-only or closed manager
 * refuses what it may not do.
 */
import { expect } from 'vitest';
import { insertSql, schemaDdl } from '../../columns/sql.js';
import { ClosedError, NewerSchemaError, NotADatabaseError, ReadOnlyError } from '../../errors.js';
import { group } from './context.js';
import { DB, dialectOf, exactBytes, rawExec, sameBytes } from './sql-helpers.js';

export const refusals = group('refusals are typed and change nothing', {
  'refuses an existing empty database file, unchanged': async ({ observe, open, options }) => {
    const adapter = await options.createAdapter();
    // An empty SQLite file is an empty database (a server imports it as an empty schema).
    await adapter.writeBytes(DB, new Uint8Array(0));
    await expect(open(adapter)).rejects.toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
      message: expect.stringContaining('no tables'),
    });
    if (exactBytes(adapter)) expect((await adapter.readBytes(DB)).length).toBe(0);
    expect(Object.keys((await observe(adapter)).tables)).toEqual([]);
    expect(await adapter.list()).toEqual([DB]);
  },
  'refuses a newer schema, changes nothing, and allows read-only reading': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await rawExec(adapter, DB, [
      ...schemaDdl('v2', dialectOf(adapter)).map((sql) => [sql] as [string]),
      [insertSql('runs', ['run_id', 'template_id', 'schema_version']), ['future', 't', '3.0']],
    ]);
    const before = await adapter.readBytes(DB);
    const error = await open(adapter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NewerSchemaError);
    expect((error as Error).message).toContain('3.0');
    expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
    const reader = await open(adapter, { readOnly: true });
    expect((await reader.getRun('future')).schemaVersion).toBe('3.0');
    await expect(
      reader.startRun({ templateId: 't', causalMode: 'forward' }),
    ).rejects.toBeInstanceOf(NewerSchemaError);
    await reader.close();
    expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
  },
  // A store that keeps files verbatim takes any bytes and refuses them on open; a
  // server imports images and refuses junk at the door. A backend runs the one
  // that fits and lists the other in its skip map.
  'refuses bytes that are not SQLite, unchanged': async ({ open, options }) => {
    const adapter = await options.createAdapter();
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect(exactBytes(adapter), 'a store that keeps bytes verbatim').toBe(true);
    await adapter.writeBytes(DB, junk);
    const error = await open(adapter).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotADatabaseError);
    expect((error as Error).message).toMatch(/not a SQLite database/);
    expect(sameBytes(await adapter.readBytes(DB), junk)).toBe(true);
  },
  'refuses bytes that are not SQLite when importing them, creating nothing': async ({
    options,
  }) => {
    const adapter = await options.createAdapter();
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    expect(exactBytes(adapter), 'a store that imports images').toBe(false);
    const refused = await adapter.writeBytes(DB, junk).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotADatabaseError);
    expect((refused as Error).message).toMatch(/not an SQLite database/);
    expect(await adapter.exists(DB)).toBe(false);
  },
  'refuses SQLite without a runs table, unchanged': async ({ open, options }) => {
    const adapter = await options.createAdapter();
    await rawExec(adapter, DB, [['CREATE TABLE other (x INTEGER)']]);
    const before = await adapter.readBytes(DB);
    await expect(open(adapter)).rejects.toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
      message: expect.stringContaining('no runs table'),
    });
    expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
  },
  'refuses read-only opening of a missing database, and writes on a read-only manager': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await expect(open(adapter, { readOnly: true })).rejects.toBeInstanceOf(NotADatabaseError);
    const manager = await open(adapter);
    await manager.close();
    const reader = await open(adapter, { readOnly: true });
    await expect(
      reader.startRun({ templateId: 't', causalMode: 'forward' }),
    ).rejects.toBeInstanceOf(ReadOnlyError);
    await reader.close();
  },
  'closes once and refuses use after close': async ({ fresh }) => {
    const { manager } = await fresh();
    await manager.close();
    await manager.close();
    await expect(manager.getAllRuns()).rejects.toBeInstanceOf(ClosedError);
  },
});
