/**
 * A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temp
 * folder, start on a free loopback port, stop and delete at the end. Server
 * programs come from Debian's packages (scripts/ensure-postgres.mjs installs
 * them). With RUNMETA_TEST_POSTGRES_URL set, that server is used instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error -- a plain .mjs helper shared with scripts/ensure-postgres.mjs
import { findPostgresBin } from '../scripts/postgres-bin.mjs';

/** A running cluster. */
export interface PostgresCluster {
  /** `postgres://runmeta@127.0.0.1:<port>/runmeta` */
  url: string;
  /** Stop the server and delete its folder (no-op for an external server). */
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start a cluster. `settings` become `-c name=value` server options.
 * PostgreSQL refuses to run as root, so as root the server runs as the
 * `postgres` user Debian's package creates.
 */
export async function startPostgresCluster(
  settings: Record<string, string | number> = {},
): Promise<PostgresCluster> {
  const external = process.env.RUNMETA_TEST_POSTGRES_URL;
  if (external) return { url: external, stop() {} };
  const bin = findPostgresBin() as string | null;
  if (!bin) {
    throw new Error(
      'PostgreSQL is not installed: run `node scripts/ensure-postgres.mjs` (as root), or set RUNMETA_TEST_POSTGRES_URL',
    );
  }
  const root = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-pg-'));
  fs.chmodSync(dir, 0o700);
  if (root) execFileSync('chown', ['postgres:postgres', dir]);
  const as = (program: string, args: string[]) => {
    const file = path.join(bin, program);
    return root
      ? spawnSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8' })
      : spawnSync(file, args, { encoding: 'utf8' });
  };
  const check = (result: ReturnType<typeof as>, what: string) => {
    if (result.status !== 0) {
      throw new Error(`${what} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  };
  const data = path.join(dir, 'data');
  check(
    as('initdb', [
      '-D',
      data,
      '-U',
      'runmeta',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]),
    'initdb',
  );
  const port = await freePort();
  const options = Object.entries({
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: dir,
    max_connections: 200,
    ...settings,
  })
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  check(
    as('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', 'start']),
    'pg_ctl start',
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // The tests' database, made through the server's own template.
  check(
    as('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'runmeta',
      '-d',
      'postgres',
      '-c',
      'CREATE DATABASE runmeta',
    ]),
    'CREATE DATABASE',
  );
  return { url: `postgres://runmeta@127.0.0.1:${port}/runmeta`, stop };
}
