/**
 * Hints in CLI words when core gives no `cliHint`: an SDK option a hint names
 * (`includeArchive: true`, `confirm: true`...) reaches the CLI user as the flag
 * that sets it. And a core error that has both wordings shows the CLI one.
 */
import { ArchiveConflictError, MetadataManager, ValidationError } from '@runmeta/core';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import { describe, expect, it } from 'vitest';
import { describeError } from '../src/errors.js';
import { hintInCliWords } from '../src/hint-words.js';

describe('hintInCliWords', () => {
  it.each([
    ['Pass includeArchive: true to read it', 'Pass --include-archive to read it'],
    ['Pass confirm: true to roll back', 'Pass --yes to roll back'],
    [
      'Pass replace: true to replace it, or import it under another name',
      'Pass --replace to replace it, or import it under another name',
    ],
    ['Retry with backfill: true', 'Retry with --backfill'],
    ["Migrate with strategy: 'archive' instead", 'Migrate with --strategy archive instead'],
    [
      "Open it with migration: { strategy: 'carry-over' } to copy its runs",
      'Open it with --strategy carry-over to copy its runs',
    ],
    [
      'Check the permissions of the file and its folder',
      'Check the permissions of the file and its folder',
    ],
  ])('%s → %s', (hint, words) => {
    expect(hintInCliWords(hint)).toBe(words);
  });
});

describe('describeError', () => {
  it('maps the SDK options of a hint given without a cliHint', () => {
    const error = new ArchiveConflictError(
      'b.db already exists',
      'Pass replace: true to replace it',
    );
    expect(describeError(error)).toEqual({
      exitCode: 3,
      message: 'b.db already exists. Pass --replace to replace it',
    });
  });

  it('prefers the cliHint when core gives one', () => {
    const error = new ValidationError('x', 'bad', {
      hint: 'Pass includeArchive: true',
      cliHint: 'Add --include-archive',
    });
    expect(describeError(error).message).toBe('Invalid x: bad. Add --include-archive');
  });

  it("a rollback without confirmation, from core, is told as --yes (the SDK's confirm: true)", async () => {
    const adapter = createNodeSqliteAdapter({ memory: true });
    const error = await MetadataManager.rollback({ adapter, confirm: false }).catch((e) => e);
    expect(error.message).toContain('confirm: true');
    expect(error.message).not.toContain('--yes');
    const { exitCode, message } = describeError(error);
    expect(exitCode).toBe(2);
    expect(message).toContain('--yes');
    expect(message).not.toContain('confirm: true');
  });
});
