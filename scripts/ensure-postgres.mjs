// The PostgreSQL tests start a throw-away cluster with the server's own programs
// (initdb, pg_ctl). `pnpm check` runs this first, so the README's test command
// works on a fresh machine: when no PostgreSQL server is installed it is
// installed from Debian's packages (apt-get, as root). With
// RUNMETA_TEST_POSTGRES_URL set, the tests use that server and nothing is installed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { findPostgresBin } from './postgres-bin.mjs';

if (process.env.RUNMETA_TEST_POSTGRES_URL || findPostgresBin()) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(
    'PostgreSQL is needed for the @runmeta/postgres tests and is not installed.\n' +
      'Install it with `sudo apt-get install -y postgresql`, or set RUNMETA_TEST_POSTGRES_URL\n' +
      'to a server the tests may create schemas in (postgres://user:password@host:port/database).',
  );
  process.exit(1);
}
console.log('Installing PostgreSQL from Debian packages for the @runmeta/postgres tests...');
const run = (args) =>
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
run(['update']);
// Only the server programs: Debian's package would also create (and try to start)
// a system-wide cluster on port 5432, which the tests neither need nor want.
const createcluster = '/etc/postgresql-common/createcluster.conf';
if (!fs.existsSync(createcluster)) {
  fs.mkdirSync('/etc/postgresql-common', { recursive: true });
  fs.writeFileSync(createcluster, 'create_main_cluster = false\n');
}
run([
  'install',
  '-y',
  '--no-install-recommends',
  '-o',
  'Dpkg::Options::=--force-confold',
  'postgresql',
]);
if (!findPostgresBin()) {
  console.error('apt-get finished but no PostgreSQL server (initdb) was found');
  process.exit(1);
}
