/**
 * `@runmeta/ui/constants` — what a command line's help can quote about the
 * dashboard without loading it.
 *
 * @packageDocumentation
 */

/** The port `runmeta ui` listens on (on 127.0.0.1) unless told otherwise. */
export const DEFAULT_UI_PORT = 4310;
