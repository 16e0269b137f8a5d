/**
 * A v1 archive is read-only to everything but rollback. A migration moves the v1
 * file to `<name>_v1_archive<ext>` (or `<name>_v1_archive_<n><ext>` when that is
 * taken) and rollback restores it from there, so writing into it — which would
 * first migrate it to v2 — would make its runs vanish from `includeArchive` reads
 * and have rollback "restore" a v2 file. Archive names are always made from the
 * name of the database they belong to (`archiveNameFor`, `migrate/working-names.ts`), so the name says both that
 * a file is an archive and whose.
 *
 * @packageDocumentation
 */
import { ReadOnlyError } from '../errors.js';
import { archiveOwner } from '../migrate/working-names.js';
import type { StorageAdapter } from '../storage/adapter.js';

/**
 * Refuse to write into (or create, or migrate) a database whose name is that of
 * an archive, before anything is opened.
 *
 * @internal
 */
export function refuseWritingArchive(adapter: StorageAdapter, database: string): void {
  const owner = archiveOwner(database);
  if (owner === null) return;
  const ownerLocation = adapter.describe(owner);
  const copy = 'to use it as a database of its own, copy it under another name';
  throw new ReadOnlyError(
    adapter.describe(database),
    `it is the v1 archive of ${ownerLocation} (by its name), kept as it was so that rollback can restore it; nothing was changed`,
    {
      hint: `Write to ${owner} instead; read the archive with readOnly: true, or through its database with includeArchive: true; to change archived runs, carry them over with MetadataManager.carryOverArchive({ adapter }); ${copy}`,
      cliHint: `Write to --db ${ownerLocation} instead, and read the archive through it with --include-archive; to change archived runs, carry them over with \`runmeta --db ${ownerLocation} migrate --carry-over-archive --yes\`; ${copy}`,
    },
  );
}
