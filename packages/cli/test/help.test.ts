/**
 * `--help` everywhere: the root, every command group and every leaf command
 * print their usage on stdout and exit 0; leaf commands show examples.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type CliResult, lines, makeTempDir, removeDir, runCli } from './helpers.js';

/** Command groups (they only hold subcommands) and leaf commands, as the CLI reference lists them. */
const GROUPS: Record<string, string[]> = {
  runs: ['list', 'count', 'show', 'close'],
  record: ['mechanism', 'resolution', 'validation'],
  budget: ['check'],
};
const LEAVES = [
  'demo',
  'status',
  'verify',
  'migrate',
  'runs list',
  'runs show',
  'runs close',
  'inspect',
  'compare',
  'report',
  'ui',
  'export',
  'rollback',
  'import',
  'start',
  'record mechanism',
  'record resolution',
  'record validation',
  'complete',
  'ingest',
  'budget check',
];
const TOP_LEVEL = [...new Set(LEAVES.map((name) => name.split(' ')[0]!))];

/** Command names listed under `Commands:` in a help text (without `help`). */
function listedCommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  const names: string[] = [];
  for (const line of section.split('\n').slice(1)) {
    if (!line.trim()) break;
    const name = /^ {2}(\S+)/.exec(line)?.[1];
    if (name && name !== 'help') names.push(name);
  }
  return names;
}

let dir: string;
beforeAll(() => {
  dir = makeTempDir('help');
});
afterAll(() => removeDir(dir));

const help = (args: string[]): Promise<CliResult> => runCli([...args, '--help'], { cwd: dir });

describe('runmeta --help', () => {
  it('prints the root usage with every command, the exit codes and examples', async ({
    expect,
  }) => {
    const result = await help([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: runmeta /);
    expect(listedCommands(result.stdout).sort()).toEqual([...TOP_LEVEL].sort());
    for (const flag of ['--db <path|url>', '--json', '--debug', '--version']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('RUNMETA_DB');
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('Examples:');
  });

  it('-h is the same as --help', async ({ expect }) => {
    const [long, short] = await Promise.all([help([]), runCli(['-h'], { cwd: dir })]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });

  it('prints 0.1.0 for --version and -V', async ({ expect }) => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], { cwd: dir });
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe('0.1.0');
      expect(result.stderr).toBe('');
    }
  });
});

describe.concurrent('command groups --help', () => {
  it.for(Object.entries(GROUPS))(
    '%s --help lists its subcommands',
    async ([group, subs], { expect }) => {
      const result = await help([group]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^Usage: runmeta ${group} `));
      expect(listedCommands(result.stdout).sort()).toEqual([...subs].sort());
    },
  );

  it('help runs is the same as runs --help', async ({ expect }) => {
    const [a, b] = await Promise.all([help(['runs']), runCli(['help', 'runs'], { cwd: dir })]);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe.concurrent('leaf commands --help', () => {
  it.for(LEAVES)('%s --help prints usage and examples on stdout', async (name, { expect }) => {
    const result = await help(name.split(' '));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: runmeta ${name}\\b`));
    expect(result.stdout).toContain('Options:');
    const examples = result.stdout.split(/^Examples:$/m)[1];
    expect(examples, `${name} --help has an Examples: section`).toBeDefined();
    expect(lines(examples ?? '').some((line) => /^\s+\$ .*\brunmeta\b/.test(line))).toBe(true);
  });

  it.for(['status', 'budget check'])(
    '%s --help documents exit code 4',
    async (name, { expect }) => {
      const result = await help(name.split(' '));
      expect(result.stdout.replace(/\s+/g, ' ')).toMatch(/Exit codes:.*\b4\b/);
    },
  );
});
