// The PostgreSQL tests start a throw-away cluster with the server's own programs
// (initdb, pg_ctl). `pnpm check` runs this first, so the README's test command
// works on a fresh machine: when no PostgreSQL server is installed it is
// installed from Debian's packages (apt-get, as root). With
// RUNMETA_TEST_POSTGRES_URL set, the tests use that server and nothing is installed.
import fs from 'node:fs';
import { aptInstall } from './apt-install.mjs';
import { findPostgresBin } from './postgres-bin.mjs';

if (process.env.RUNMETA_TEST_POSTGRES_URL || findPostgresBin()) process.exit(0);
// Only the server programs: Debian's package would also create (and try to start)
// a system-wide cluster on port 5432, which the tests neither need nor want.
const createcluster = '/etc/postgresql-common/createcluster.conf';
if (process.getuid?.() === 0 && !fs.existsSync(createcluster)) {
  fs.mkdirSync('/etc/postgresql-common', { recursive: true });
  fs.writeFileSync(createcluster, 'create_main_cluster = false\n');
}
aptInstall('PostgreSQL', ['postgresql'], {
  advice:
    'Install it with `sudo apt-get install -y postgresql`, or set RUNMETA_TEST_POSTGRES_URL\n' +
    'to a server the tests may create schemas in (postgres://user:password@host:port/database).',
  extraArgs: ['--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold'],
});
if (!findPostgresBin()) {
  console.error('apt-get finished but no PostgreSQL server (initdb) was found');
  process.exit(1);
}
