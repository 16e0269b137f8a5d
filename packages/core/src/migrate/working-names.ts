/**
 * Names of the files a migration makes beside a database: the archive and backup
 * siblings (`runs_v1_archive.db`, `runs_v2_backup.db`) and the aside it builds in
 * (`runs.db.v2-building`). Kept apart from the planner so every module that looks
 * for these files (rollback, leftovers, the archive guard) names them the same way.
 *
 * @packageDocumentation
 */

/** Sibling name: `runs.db` + `_v1_archive` → `runs_v1_archive.db`. */
export function siblingName(
  database: string,
  suffix: string,
  existing: readonly string[] = [],
): string {
  const dot = database.lastIndexOf('.');
  const stem = dot > 0 ? database.slice(0, dot) : database;
  const ext = dot > 0 ? database.slice(dot) : '';
  let candidate = `${stem}${suffix}${ext}`;
  for (let n = 2; existing.includes(candidate); n++) candidate = `${stem}${suffix}_${n}${ext}`;
  return candidate;
}

/** Name of the database a migration builds before moving it into place. */
export function asideNameFor(database: string): string {
  return `${database}.v2-building`;
}
