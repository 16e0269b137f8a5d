/** How `status` and `migrate --dry-run` show what interrupted work left behind. */
import type { Leftover } from '@runmeta/core';

/** A size for people: 0 B, 12.3 kB, 276.4 MB (decimal units, as `df -H`). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What made a leftover and what will happen to it, in the CLI's words. */
export function leftoverFate(leftover: Leftover, database: string): string {
  const holder = leftover.holder
    ? `pid ${leftover.holder.pid} on ${leftover.holder.hostname} since ${leftover.holder.since}`
    : null;
  if (leftover.fate === 'in-use') {
    return `in use by a running ${leftover.kind === 'import' ? 'import' : 'migration'}${holder ? ` (${holder})` : ''}; not a leftover`;
  }
  switch (leftover.kind) {
    case 'migration':
      return leftover.fate === 'installed-by-next-migration'
        ? `a finished migration not yet moved into place; the next \`runmeta migrate\` (or any write command) moves it to ${database}`
        : `left by an interrupted migration; the next \`runmeta migrate\` (or any write command) deletes it (${database} itself was never changed)`;
    case 'rollback':
      return leftover.fate === 'installed-by-next-migration'
        ? `a complete copy of the v1 archive from an interrupted rollback; the next \`runmeta migrate\` (or any write command) moves it to ${database}`
        : `left by an interrupted rollback; the next \`runmeta migrate\` (or any write command) deletes it (${database} is complete)`;
    case 'import':
      return `left by an interrupted import; the next \`runmeta import\` into ${database} deletes it, or delete it yourself`;
    default:
      return `the migration lock of a process that stopped${holder ? ` (${holder})` : ''}; it blocks no one, and the next \`runmeta migrate\` or \`rollback\` takes it over and deletes it`;
  }
}

/** One line per leftover: its files and sizes, then what will happen to it. */
export function formatLeftover(leftover: Leftover, database: string): string {
  const files = leftover.files.length
    ? leftover.files.map((f) => `${f.name} ${formatBytes(f.bytes)}`).join(', ')
    : leftover.name;
  const size =
    leftover.bytes !== null && leftover.files.length > 1 ? ` = ${formatBytes(leftover.bytes)}` : '';
  return `${files}${size}: ${leftoverFate(leftover, database)}`;
}

/** The `--json` form: sizes in bytes, the fate as a code and as words. */
export function leftoverJson(leftover: Leftover, database: string) {
  return {
    name: leftover.name,
    path: leftover.location,
    kind: leftover.kind,
    bytes: leftover.bytes,
    files: leftover.files.map((f) => ({ name: f.name, bytes: f.bytes })),
    fate: leftover.fate,
    description: leftoverFate(leftover, database),
    holder: leftover.holder,
  };
}
