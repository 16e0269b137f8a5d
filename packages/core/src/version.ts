/**
 * The version of `@runmeta/core`, read from its package.json.
 *
 * @packageDocumentation
 */
import pkg from '../package.json' with { type: 'json' };

/** The version of `@runmeta/core` (recorded in the migration history). */
export const SDK_VERSION: string = pkg.version;
