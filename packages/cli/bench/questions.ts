/**
 * The questions `pnpm bench` asks of a generated database, each twice: through
 * `runmeta` (the built CLI, a real process) and as the same question in raw SQL
 * (`sqlite3` on the same file). Edit this list to add a question: the harness
 * runs whatever is here, and reports a command this build does not have yet as
 * "n/a (missing)".
 */

/** What a question can use to build its command lines. */
export interface QuestionContext {
  /** The benchmark database. */
  file: string;
  /** Number of runs in it. */
  runs: number;
  /** Ten run ids spread over the file (for `compare`). */
  runIds: string[];
}

/** One question: the runmeta command, the raw SQL that answers the same, the target. */
export interface Question {
  /** Short id for `--only`. */
  id: string;
  /** The question as the table shows it. */
  title: string;
  /**
   * The runmeta command words that must exist (checked with `--help`): a build
   * without them reports the question as missing instead of timing an error.
   */
  command: string[];
  /** Arguments after `runmeta --db <file>`; null: not a runmeta command (the baseline). */
  args: ((context: QuestionContext) => string[]) | null;
  /** The same question in SQL for the raw `sqlite3` side; null: `sqlite3` answers `SELECT 1`. */
  sql: ((context: QuestionContext) => string) | null;
  /** The target (time, and memory where it sets one). */
  target: { ms: number; rssMb?: number } | null;
}

/** SQL string literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const QUESTIONS: readonly Question[] = [
  {
    id: 'baseline',
    title: '`node -e 0` / `sqlite3 … "SELECT 1"` (process start)',
    command: [],
    args: null,
    sql: null,
    target: null,
  },
  {
    id: 'status',
    title: '`status`',
    command: ['status'],
    args: () => ['status'],
    sql: () =>
      'SELECT status, count(*) FROM runs GROUP BY status; SELECT count(*) FROM pragma_table_info(' +
      "'runs')",
    target: { ms: 300 },
  },
  {
    id: 'report',
    title: '`report` (by template)',
    command: ['report'],
    args: () => ['report'],
    sql: () =>
      'SELECT template_id, count(*), sum(status = ' +
      literal('completed') +
      '), sum(status = ' +
      literal('failed') +
      '), sum(cost_usd), sum(tokens_used), sum(llm_calls), sum(token_budget_compliance > 1) ' +
      'FROM runs GROUP BY template_id',
    target: { ms: 1000, rssMb: 150 },
  },
  {
    id: 'list',
    title: '`runs list --sort cost --limit 10`',
    command: ['runs', 'list'],
    args: () => ['runs', 'list', '--sort', 'cost', '--limit', '10'],
    sql: () => 'SELECT * FROM runs ORDER BY cost_usd DESC LIMIT 10',
    target: { ms: 300 },
  },
  {
    id: 'count',
    title: '`runs count --where "cost_usd > 0.5 and status = \'completed\'"`',
    command: ['runs', 'count'],
    args: () => ['runs', 'count', '--where', "cost_usd > 0.5 and status = 'completed'"],
    sql: () =>
      `SELECT count(*) FROM runs WHERE cost_usd > 0.5 AND status = ${literal('completed')}`,
    target: { ms: 500 },
  },
  {
    id: 'compare',
    title: '`compare` of 10 runs',
    command: ['compare'],
    args: ({ runIds }) => ['compare', ...runIds],
    sql: ({ runIds }) => {
      const ids = runIds.map(literal).join(', ');
      return (
        `SELECT * FROM runs WHERE run_id IN (${ids}); ` +
        `SELECT run_id, mechanism, count(*) FROM mechanism_usage WHERE run_id IN (${ids}) GROUP BY run_id, mechanism; ` +
        `SELECT run_id, validator_name, passed FROM validations WHERE run_id IN (${ids})`
      );
    },
    target: { ms: 100 },
  },
];
