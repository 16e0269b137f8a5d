// Where the PostgreSQL server programs are: $RUNMETA_POSTGRES_BIN, Debian's
// /usr/lib/postgresql/<version>/bin (newest first), or initdb on the PATH.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The directory holding initdb and pg_ctl, or null. */
export function findPostgresBin() {
  const candidates = [];
  if (process.env.RUNMETA_POSTGRES_BIN) candidates.push(process.env.RUNMETA_POSTGRES_BIN);
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const version of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(path.join(debian, version, 'bin'));
    }
  }
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    if (onPath) candidates.push(path.dirname(fs.realpathSync(onPath)));
  } catch {
    // not on the PATH
  }
  return (
    candidates.find(
      (dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')),
    ) ?? null
  );
}
