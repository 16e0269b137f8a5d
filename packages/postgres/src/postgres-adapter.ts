/**
 * `createPostgresAdapter`: runmeta's container of named databases on one
 * PostgreSQL database. Each name is a schema — `runs.db` is the schema `runs`,
 * its v1 archive `runs_v1_archive` — so a migration's "move the file aside" is
 * `ALTER SCHEMA … RENAME`, atomic and transactional like a file rename. The
 * migration lock is a session-level advisory lock, which the server releases
 * when its holder's connection ends, so a killed process never blocks anyone.
 */
import os from 'node:os';
import {
  ArchiveConflictError,
  DatabaseLockedError,
  NotADatabaseError,
  type OpenOptions,
  type StorageAdapter,
  ValidationError,
} from '@runmeta/core';
import {
  overwriteRefused,
  parseOptions,
  type SqlConnection,
  WORKING_SUFFIXES,
} from '@runmeta/core/adapter';
import pg from 'pg';
import { connect } from './postgres-connection.js';
import { continueIdentities, postgresDialect } from './postgres-dialect.js';
import { classifyPgError } from './postgres-errors.js';
import { PostgresAdapterOptionsSchema } from './postgres-options.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';
import { loadSqliteImageCodec } from './sqlite-image-loader.js';

/** Options for {@link createPostgresAdapter}. */
export interface PostgresAdapterOptions {
  /**
   * `postgres://user:password@host:5432/database`. Without it, node-postgres reads
   * the usual `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` and `PGDATABASE`.
   */
  connectionString?: string;
  /** Further node-postgres client settings (ssl, a password function, timeouts…). */
  client?: pg.ClientConfig;
  /**
   * Prepended to every schema name, to keep several containers apart in one
   * database (tests use a random prefix). Default none.
   */
  schemaPrefix?: string;
}

/** A {@link StorageAdapter} on PostgreSQL, plus the schema each name maps to. */
export interface PostgresAdapter extends StorageAdapter {
  /** The schema that holds the named database. */
  schemaFor(name: string): string;
  /** Close the adapter's shared connection for container operations. */
  end(): Promise<void>;
}

/** Marks a schema as a runmeta database and records its name. */
const COMMENT_PREFIX = 'runmeta database ';
/** First key of runmeta's advisory locks (`'rm'`), so they never collide with an application's. */
const LOCK_CLASS = 0x726d;
/** PostgreSQL truncates identifiers beyond 63 bytes; runmeta refuses them instead. */
const MAX_IDENTIFIER_BYTES = 63;
/** What runmeta's longest working name adds to a schema name (`runs.v1-restoring`: 13 bytes). */
const WORKING_SUFFIX_BYTES = Math.max(...WORKING_SUFFIXES.map((s) => Buffer.byteLength(s)));

/** Why PostgreSQL cannot have a schema of this name as it is, or null. */
function schemaProblem(schema: string): string | null {
  if (!schema) return 'is empty';
  if (schema.includes('\0')) return 'holds a NUL character, which PostgreSQL names cannot hold';
  if (schema.startsWith('pg_'))
    return 'starts with pg_, which PostgreSQL keeps for its own schemas';
  const bytes = Buffer.byteLength(schema);
  if (bytes > MAX_IDENTIFIER_BYTES) {
    return `is ${bytes} bytes long, and PostgreSQL names hold at most ${MAX_IDENTIFIER_BYTES}`;
  }
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database on a server is a schema: the file-path advice of the default hint does not apply. */
const MISSING_SCHEMA_HINTS = {
  hint: 'Check the database name (the schema on the server); the first write creates it',
  cliHint: 'Check the schema= part of --db; a write command (start, migrate, import) creates it',
};

/** Create an adapter over one PostgreSQL database. Connections open lazily. */
export function createPostgresAdapter(given: PostgresAdapterOptions = {}): PostgresAdapter {
  const options = parseOptions(PostgresAdapterOptionsSchema, given) as PostgresAdapterOptions;
  const prefix = options.schemaPrefix ?? '';
  const client: pg.ClientConfig = {
    ...options.client,
    ...(options.connectionString ? { connectionString: options.connectionString } : {}),
    application_name:
      options.client?.application_name ?? `runmeta pid ${process.pid} on ${os.hostname()}`,
  };
  let pool: pg.Pool | null = null;
  const admin = () => {
    // allowExitOnIdle: a script that forgets end() still exits.
    if (!pool) {
      pool = new pg.Pool({ ...client, max: 2, idleTimeoutMillis: 1000, allowExitOnIdle: true });
      // An idle connection the server dropped: the next query reconnects.
      pool.on('error', () => {});
    }
    return pool;
  };
  const where = (() => {
    const config = new pg.Client(client) as unknown as {
      host?: string;
      port?: number;
      database?: string;
    };
    return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
  })();

  // `runs.db` → `runs`, and its working names `runs.db.v2-building` → `runs.v2-building`:
  // the `.db` that ends the name or comes before its one working suffix, so that
  // `x.db.y.db` (the schema `x.db.y`) keeps its inner `.db`.
  const schemaName = (name: string) => prefix + name.replace(/\.db(?=(\.[^.]*)?$)/, '');
  const longest = MAX_IDENTIFIER_BYTES - WORKING_SUFFIX_BYTES - Buffer.byteLength(prefix);
  const refuseName = (name: string, schema: string, problem: string): never => {
    throw new ValidationError(
      'database',
      `"${name}" maps to the schema "${schema}", which ${problem}`,
      {
        operation: 'read',
        hint: `Choose another database name: at most ${longest} bytes (runmeta's working names add up to ${WORKING_SUFFIX_BYTES}), not starting with pg_`,
        cliHint: `Choose another schema= in --db: at most ${longest} bytes (runmeta's working names add up to ${WORKING_SUFFIX_BYTES}), not starting with pg_`,
      },
    );
  };
  const schemaFor = (name: string) => {
    const schema = schemaName(name);
    const problem = schemaProblem(schema);
    if (problem) refuseName(name, schema, problem);
    return schema;
  };
  // For messages: never throws, whatever the name.
  const describe = (name: string) => `postgres://${where}?schema=${schemaName(name)}`;
  const ident = (name: string) => pg.escapeIdentifier(schemaFor(name));

  async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
    location: string,
    text: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    try {
      return (await admin().query<T>(text, values)).rows;
    } catch (error) {
      throw classifyPgError(error, location);
    }
  }

  /** Run `fn` in one transaction on one pooled connection. */
  async function inTransaction<T>(
    location: string,
    fn: (c: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    let c: pg.PoolClient;
    try {
      c = await admin().connect();
    } catch (error) {
      throw classifyPgError(error, location);
    }
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (error) {
      await c.query('ROLLBACK').catch(() => {});
      throw classifyPgError(error, location);
    } finally {
      c.release();
    }
  }

  /** A pooled client as a core executor's `all` (for the dialect's helpers). */
  const onClient = (c: pg.ClientBase) => ({
    all: async <T>(text: string, values: readonly unknown[] = []) =>
      (await c.query(toNumberedPlaceholders(text), [...values])).rows as T[],
  });

  const schemaExists = async (c: pg.ClientBase, schema: string) =>
    (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount! > 0;
  /**
   * What holds the schema of `name`: null when there is none; else the runmeta
   * database its comment names (`owner`, null for a schema runmeta did not make).
   * Names can share a schema — `runs.db.importing` (an import's working name) and
   * `runs.importing.db` (a database of that name) are both `runs.importing` — so
   * the comment says which one it is, and runmeta works only on its own.
   */
  const holderOf = async (
    c: pg.ClientBase | pg.Pool,
    name: string,
  ): Promise<{ owner: string | null } | null> => {
    const found = await c.query<{ comment: string | null }>(
      "SELECT obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace WHERE nspname = $1",
      [schemaFor(name)],
    );
    if (found.rowCount === 0) return null;
    const comment = found.rows[0]?.comment ?? '';
    return {
      owner: comment.startsWith(COMMENT_PREFIX) ? comment.slice(COMMENT_PREFIX.length) : null,
    };
  };
  /** Whether the schema of `name` is that database, or an application's schema (the main name's). */
  const isHeldBy = (holder: { owner: string | null } | null, name: string) =>
    !!holder && (holder.owner === null || holder.owner === name);
  const refuseShared = (name: string, owner: string): never => {
    throw new ArchiveConflictError(
      `${describe(name)} is needed for ${name}, but that schema holds the runmeta database ${owner}`,
      'Rename one of the two (ALTER SCHEMA … RENAME TO …) or choose another schema name; runmeta never touches a database that is not the one named',
    );
  };

  const refuseOverwrite = (to: string): never => {
    throw overwriteRefused(
      describe(to),
      'Rename or drop that schema first; runmeta never overwrites a database',
    );
  };

  async function createSchema(c: pg.ClientBase, name: string) {
    await c.query(`CREATE SCHEMA ${ident(name)}`);
    await c.query(`COMMENT ON SCHEMA ${ident(name)} IS ${pg.escapeLiteral(COMMENT_PREFIX + name)}`);
  }

  const adapter: PostgresAdapter = {
    name: 'postgres',
    capabilities: { wal: false, exactBytes: false },
    dialect: postgresDialect,
    describe,
    schemaFor,
    // Every database of the container is a schema of one server database.
    reach: (name) => ({ schema: schemaFor(name) }),

    async open(name: string, openOptions: OpenOptions = {}): Promise<SqlConnection> {
      const location = describe(name);
      const schema = schemaFor(name);
      if (!(await adapter.exists(name))) {
        if (openOptions.readOnly)
          throw new NotADatabaseError(location, 'does not exist', MISSING_SCHEMA_HINTS);
        await inTransaction(location, async (c) => {
          // Two processes may both see it missing: the loser finds it made.
          await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS + 1, schema]);
          const holder = await holderOf(c, name);
          if (!holder) await createSchema(c, name);
          else if (!isHeldBy(holder, name)) refuseShared(name, holder.owner!);
        });
      }
      return connect({ client, schema, readOnly: !!openOptions.readOnly, location });
    },

    async exists(name) {
      try {
        return isHeldBy(await holderOf(admin(), name), name);
      } catch (error) {
        throw classifyPgError(error, describe(name));
      }
    },

    async move(from, to) {
      await inTransaction(describe(from), async (c) => {
        if (await schemaExists(c, schemaFor(to))) refuseOverwrite(to);
        const holder = await holderOf(c, from);
        if (!holder) {
          throw new NotADatabaseError(describe(from), 'does not exist, so it cannot be moved');
        }
        if (!isHeldBy(holder, from)) refuseShared(from, holder.owner!);
        await c.query(`ALTER SCHEMA ${ident(from)} RENAME TO ${ident(to)}`);
        await c.query(`COMMENT ON SCHEMA ${ident(to)} IS ${pg.escapeLiteral(COMMENT_PREFIX + to)}`);
      });
    },

    async copy(from, to) {
      await inTransaction(describe(from), async (c) => {
        if (await schemaExists(c, schemaFor(to))) refuseOverwrite(to);
        const holder = await holderOf(c, from);
        if (!holder) {
          throw new NotADatabaseError(describe(from), 'does not exist, so it cannot be copied');
        }
        if (!isHeldBy(holder, from)) refuseShared(from, holder.owner!);
        const tables = await c.query<{ name: string }>(
          "SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') ORDER BY c.oid",
          [pg.escapeIdentifier(schemaFor(from))],
        );
        await createSchema(c, to);
        for (const { name } of tables.rows) {
          const source = `${ident(from)}.${pg.escapeIdentifier(name)}`;
          const target = `${ident(to)}.${pg.escapeIdentifier(name)}`;
          await c.query(`CREATE TABLE ${target} (LIKE ${source} INCLUDING ALL)`);
          await c.query(`INSERT INTO ${target} OVERRIDING SYSTEM VALUE SELECT * FROM ${source}`);
          await continueIdentities(onClient(c), target);
        }
      });
    },

    async remove(name) {
      await inTransaction(describe(name), async (c) => {
        const holder = await holderOf(c, name);
        if (!holder) return;
        // DROP … CASCADE is only for what runmeta made: never an application's schema.
        if (holder.owner === null) {
          throw new ArchiveConflictError(
            `${describe(name)} was not made by runmeta, so runmeta does not drop it`,
            'Drop or rename that schema yourself if it should go',
          );
        }
        // Another runmeta database that shares the schema name: not this one, so not here.
        if (holder.owner !== name) return;
        await c.query(`DROP SCHEMA ${ident(name)} CASCADE`);
      });
    },

    async readBytes(name) {
      if (!(await adapter.exists(name)))
        throw new NotADatabaseError(describe(name), 'does not exist', MISSING_SCHEMA_HINTS);
      return (await loadSqliteImageCodec()).exportSqliteImage(adapter, name);
    },

    async writeBytes(name, bytes) {
      const { importSqliteImage } = await loadSqliteImageCodec();
      await importSqliteImage(adapter, name, bytes, { replace: true });
    },

    async list() {
      // runmeta's schemas by the name in their comment; any other schema too (as
      // `<schema>.db`), so a new archive name never collides with one.
      const rows = await sql<{ schema: string; comment: string | null }>(
        `postgres://${where}`,
        `SELECT nspname AS schema, obj_description(oid, 'pg_namespace') AS comment FROM pg_namespace
          WHERE starts_with(nspname, $1) AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
          ORDER BY nspname`,
        [prefix],
      );
      return rows
        .map((r) =>
          r.comment?.startsWith(COMMENT_PREFIX)
            ? r.comment.slice(COMMENT_PREFIX.length)
            : `${r.schema.slice(prefix.length)}.db`,
        )
        .sort();
    },

    async lock(name, { timeoutMs }) {
      const location = describe(name);
      // Keepalive: the lock lives as long as this session, so a silently dropped
      // connection must be noticed rather than leave a migration unguarded.
      const session = new pg.Client({ ...client, keepAlive: true });
      session.on('error', () => {});
      try {
        await session.connect();
      } catch (error) {
        throw classifyPgError(error, location);
      }
      const key = [LOCK_CLASS, schemaFor(name)];
      const deadline = Date.now() + timeoutMs;
      try {
        for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
          const { rows } = await session.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok',
            key,
          );
          if (rows[0]?.ok) break;
          if (Date.now() >= deadline) {
            const holder = await session.query<{ who: string | null }>(
              `SELECT a.application_name || ' (server pid ' || a.pid || ', since ' || a.backend_start || ')' AS who
                 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = hashtext($2)::oid
                LIMIT 1`,
              key,
            );
            throw new DatabaseLockedError(
              location,
              `another process holds its migration lock${holder.rows[0]?.who ? `: ${holder.rows[0].who}` : ''}`,
            );
          }
          await sleep(wait);
        }
      } catch (error) {
        await session.end().catch(() => {});
        throw classifyPgError(error, location);
      }
      return async () => {
        // Ending the session releases the lock too; unlocking first makes it immediate.
        await session.query('SELECT pg_advisory_unlock($1, hashtext($2))', key).catch(() => {});
        await session.end().catch(() => {});
      };
    },

    async end() {
      const current = pool;
      pool = null;
      await current?.end();
    },
  };
  return adapter;
}
