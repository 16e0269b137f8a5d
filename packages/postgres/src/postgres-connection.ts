/**
 * One PostgreSQL session as core's {@link SqlConnection}: `?` placeholders
 * numbered, values prepared the way core stores them, rows returned with numbers
 * as numbers, and every driver error typed.
 */
import type { Row, RunResult, SqlConnection, SqlParams, SqlValue } from '@runmeta/core/adapter';
import pg from 'pg';
import { classifyPgError } from './postgres-errors.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';

/**
 * Type parsers for the values core reads: 64-bit integers as numbers (as SQLite
 * returns them; a bigint only beyond 2^53), NUMERIC as a number, booleans as 1/0
 * (SQLite has no boolean), JSON as its text.
 */
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    switch (oid) {
      case 20: // int8
        return (value) => {
          const n = Number(value);
          return Number.isSafeInteger(n) ? n : BigInt(value);
        };
      case 1700: // numeric
        return Number;
      case 16: // bool
        return (value) => (value === 't' ? 1 : 0);
      case 114: // json
      case 3802: // jsonb
        return (value) => value;
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  },
};

function prepare(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

function normaliseRow(row: Record<string, unknown>): Row {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (Buffer.isBuffer(value)) row[key] = new Uint8Array(value);
  }
  return row as Row;
}

/** Settings every runmeta session gets. */
export interface SessionOptions {
  /** node-postgres client settings (connection string, ssl, …). */
  client: pg.ClientConfig;
  /** Where this session's unqualified names resolve. */
  schema: string;
  readOnly: boolean;
  /** For messages. */
  location: string;
}

/** Open a session whose `search_path` is one runmeta schema. */
export async function connect(
  options: SessionOptions,
): Promise<SqlConnection & { client: pg.Client }> {
  const client = new pg.Client({ ...options.client, types });
  // A dropped connection must surface on the next statement, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(
      `SET search_path TO ${pg.escapeIdentifier(options.schema)}; SET client_min_messages TO warning${
        options.readOnly ? '; SET default_transaction_read_only TO on' : ''
      }`,
    );
  } catch (error) {
    await client.end().catch(() => {});
    throw classifyPgError(error, options.location);
  }
  // Statements this session has prepared. Bounded: a process running ever-new
  // statements (ad-hoc filters) runs the rest unprepared instead of growing.
  const prepared = new Map<string, string>();
  const nameFor = (text: string, params: SqlParams): string | undefined => {
    // A `*` result could change shape with the table, which a prepared statement refuses.
    if (params.length === 0 || text.includes('*')) return undefined;
    let name = prepared.get(text);
    if (name === undefined && prepared.size < MAX_PREPARED) {
      name = `runmeta_${statementId(text)}`;
      prepared.set(text, name);
    }
    return name;
  };
  const query = async (sql: string, params: SqlParams = []) => {
    const text = toNumberedPlaceholders(sql);
    const name = nameFor(text, params);
    try {
      const config: pg.QueryConfig & { queryMode: 'extended' } = {
        text,
        values: params.map(prepare),
        // Always the extended protocol (node-postgres knows the option; its types
        // do not yet): one statement per call, even without parameters, so
        // `SELECT 1; COMMIT; DROP …` cannot end a read-only transaction from
        // inside query().
        queryMode: 'extended',
        // Statements with parameters repeat (one per write): each is parsed and
        // planned once per session.
        ...(name ? { name } : {}),
      };
      return await client.query(config);
    } catch (error) {
      throw classifyPgError(error, options.location);
    }
  };
  let closed = false;
  return {
    client,
    async run(sql, params): Promise<RunResult> {
      const result = await query(sql, params);
      return { changes: result.rowCount ?? 0 };
    },
    async all(sql, params): Promise<Row[]> {
      const result = await query(sql, params);
      return (result.rows as Record<string, unknown>[]).map(normaliseRow);
    },
    async runMany(sql, paramSets): Promise<RunResult> {
      const bulk = multiRowInsert(sql);
      let changes = 0;
      if (bulk) {
        // One statement per chunk of rows: a round trip per chunk, not per row.
        const rowsPerChunk = Math.max(1, Math.min(500, Math.floor(MAX_PARAMETERS / bulk.width)));
        for (let start = 0; start < paramSets.length; start += rowsPerChunk) {
          const chunk = paramSets.slice(start, start + rowsPerChunk);
          const result = await query(bulk.sql(chunk.length), chunk.flat());
          changes += result.rowCount ?? 0;
        }
        return { changes };
      }
      // Otherwise one prepared statement, run once per parameter set.
      for (const params of paramSets) changes += (await query(sql, params)).rowCount ?? 0;
      return { changes };
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}

/** Prepared statements one session keeps at most. */
const MAX_PREPARED = 256;

/** PostgreSQL's limit on the parameters of one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * A plain `INSERT INTO t (a, b) VALUES (?, ?)` (no ON CONFLICT, no RETURNING)
 * as a statement inserting `rows` rows at once; null for any other statement.
 */
function multiRowInsert(sql: string): { width: number; sql: (rows: number) => string } | null {
  const match = /^(INSERT INTO [^;]*?\) VALUES )\((\?(?:, \?)*)\)$/s.exec(sql.trim());
  if (!match) return null;
  const width = match[2]!.split(',').length;
  const head = match[1]!;
  return {
    width,
    sql: (rows) => {
      const groups: string[] = [];
      for (let r = 0; r < rows; r++) {
        const marks: string[] = [];
        for (let c = 1; c <= width; c++) marks.push(`$${r * width + c}`);
        groups.push(`(${marks.join(', ')})`);
      }
      return head + groups.join(', ');
    },
  };
}

const ids = new Map<string, number>();
function statementId(text: string): number {
  let id = ids.get(text);
  if (id === undefined) {
    id = ids.size + 1;
    ids.set(text, id);
  }
  return id;
}
