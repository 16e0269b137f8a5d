/**
 * The checks of text runmeta makes on what it is given (well-formed UTF-16,
 * valid UTF-8 bytes), without zod or the manager: a command line checks its
 * arguments with them at every start.
 *
 * @packageDocumentation
 */
export { isWellFormedText, loneSurrogateIndex, utf8Problem } from './schema/text.js';
