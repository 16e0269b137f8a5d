/**
 * The commands that carry v1 runs into v2, as help text and errors quote them.
 * Free of core, since `runs close`'s declaration (loaded at every start) names them.
 */

/** Migrate a v1 file keeping its runs writable. */
export const CARRY_OVER_FIRST = 'runmeta migrate --strategy carry-over --yes';
/** Carry an existing archive over into the active database. */
export const CARRY_OVER_ARCHIVE = 'runmeta migrate --carry-over-archive --yes';
