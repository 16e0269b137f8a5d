/** Exit codes more than one command returns (the full table is `EXIT_CODES` in `commands/index.ts`). */

/** Exit code of checks that found a problem (status drift, budget overruns). */
export const CHECK_FAILED = 4;
