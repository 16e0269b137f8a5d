/**
 * SDK words in a hint, told as the CLI's flags. Core writes `hint` for SDK users
 * and `cliHint` where the advice differs; an error with no `cliHint` whose hint
 * still names an SDK option (a caller's own hint, an adapter's) reaches the CLI
 * user with that option replaced by the flag that sets it.
 */

/** An SDK option as a hint writes it, and the CLI flag that sets it. */
const OPTION_FLAGS: readonly (readonly [RegExp, string])[] = [
  [/\bincludeArchive: true\b/g, '--include-archive'],
  [/\bconfirm: true\b/g, '--yes'],
  [/\breplace: true\b/g, '--replace'],
  [/\bbackfill: true\b/g, '--backfill'],
  // `migration: { strategy: 'x' }` or `strategy: 'x'`, in either quote.
  [/\b(?:migration: \{ )?strategy: (['"])(archive|carry-over)\1(?: \})?/g, '--strategy $2'],
];

/** `hint` with each SDK option it names replaced by its CLI flag. */
export function hintInCliWords(hint: string): string {
  return OPTION_FLAGS.reduce((text, [option, flag]) => text.replace(option, flag), hint);
}
