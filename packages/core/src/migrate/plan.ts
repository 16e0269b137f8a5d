/**
 * The migration planner: a pure function from an observed schema to what must
 * happen and the exact SQL of each step. The executor runs plans; dry runs print
 * them. Nothing here touches a database.
 */
import {
  CHILD_TABLES,
  type ColumnDef,
  CURRENT_SCHEMA_VERSION,
  canonicalColumns,
  columnByName,
  TABLES,
  type TableDef,
  V1_SCHEMA_VERSION,
} from '../columns/registry.js';
import {
  addColumnSql,
  analyzeSql,
  columnDefinitionSql,
  createIndexSql,
  createTableSql,
  insertSql,
  schemaDdlParts,
} from '../columns/sql.js';
import { MigrationError } from '../errors.js';
import type { MigrationStrategy } from '../schema/migration-strategies.js';
import { ObservedSchemaOption, PlanOptionsSchema, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { ObservedColumn, ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';
import { plainTypeName } from '../storage/copy-dialect.js';
import { rowOrderOf } from '../storage/keyset-pages.js';
import type { SqlDialect } from '../storage/sql-dialect.js';
import { sqliteDialect } from '../storage/sqlite/sqlite-dialect.js';
import {
  ATTACHED_SOURCE,
  type BackfillSql,
  backfillStatements,
  type CarryOverCopy,
  carryOverCopy,
} from './carry-over-sql.js';
import { detectSchema, type SchemaDetection } from './detect.js';
import { withLegacyIds } from './legacy-ids.js';
import { archiveNameFor, asideNameFor } from './working-names.js';

/** Options for {@link planMigration}. */
export interface PlanOptions {
  /** Name of the database in its container. Default `runs.db`. */
  database?: string;
  /** Default `archive` (the original guide's procedure). */
  strategy?: MigrationStrategy;
  /** Compute the v2 metrics v1 data allows for carried-over runs. */
  backfill?: boolean;
  /**
   * Carry over inside SQLite (`ATTACH` + `INSERT … SELECT`) rather than page by
   * page through JavaScript. Set when the adapter offers `attachTarget`.
   */
  attach?: boolean;
  /** Names already in the container; the archive never overwrites one of them. */
  existing?: readonly string[];
  /** The backend's SQL dialect (DDL types, checkpoint, integrity check). Default SQLite. */
  dialect?: SqlDialect;
}

/** How a step that ends with `ANALYZE "runs"` says so. */
const STATISTICS_STEP = ", then gather the query planner's statistics for runs";

/** The kinds of step a plan can contain, in the order they run. */
export type StepKind =
  | 'checkpoint'
  | 'create-aside'
  | 'carry-over'
  | 'add-missing-columns'
  | 'create-missing-tables'
  | 'backfill'
  | 'create-indexes'
  | 'record-history'
  | 'archive-move'
  | 'install'
  | 'verify';

/** One step of a plan. */
export interface MigrationStep {
  kind: StepKind;
  /** One line for people. */
  description: string;
  /** Which database the SQL runs against. */
  database: string;
  /** The SQL the step runs (with `?` placeholders where values are bound). */
  sql: string[];
  /** For file moves. */
  from?: string;
  to?: string;
}

/** A column added to a table (additive only). */
export interface AddedColumn {
  table: string;
  column: string;
  sql: string;
}

/** What {@link planMigration} returns. */
export interface MigrationPlan {
  database: string;
  detection: SchemaDetection;
  /** `none`: up to date; `create`: fresh v2; `migrate`: v1 → v2; `repair`: additive v2 fix; `refuse`. */
  action: 'none' | 'create' | 'migrate' | 'repair' | 'refuse';
  /** Why the plan refuses (newer schema, foreign database). */
  refusal: string | null;
  strategy: MigrationStrategy | null;
  backfill: boolean;
  archiveName: string | null;
  asideName: string | null;
  fileMoves: { from: string; to: string }[];
  steps: MigrationStep[];
  copies: CarryOverCopy[];
  /** The backfill's statements (carry-over with `backfill`), else null. */
  backfillSql: BackfillSql | null;
  addedColumns: AddedColumn[];
  /**
   * Carry-over: v2 columns declared with the source's type (`runs.tokens_used
   * text`) because the backend would refuse some legacy values under the
   * registry's type. Always empty on SQLite.
   */
  keptSourceTypes: string[];
  /**
   * Carry-over: v2 columns declared without NOT NULL (`mechanism_usage.function_name`)
   * because the source column is missing or may hold nulls.
   */
  nullableColumns: string[];
  /** The history row's columns, in the order `record-history` binds them. */
  historyColumns: string[];
}

/** Columns of the history row written by `record-history`. */
export const HISTORY_INSERT_COLUMNS = [
  'applied_at',
  'kind',
  'from_version',
  'to_version',
  'strategy',
  'details',
  'sdk_version',
];

/**
 * The ADD COLUMN definition for a source column our table lacks.
 *
 * @internal
 */
export function definitionFor(
  table: TableDef,
  column: ObservedColumn,
  dialect: SqlDialect,
): string {
  const known = columnByName(table, column.name);
  if (known)
    return columnDefinitionSql(
      { ...known, notNull: false, primaryKey: undefined } as ColumnDef,
      dialect,
    );
  const type = plainTypeName(column.type);
  return type ? `${quoteIdent(column.name)} ${type}` : quoteIdent(column.name);
}

/** The name runmeta reads insertion order by (SQLite's rowid; PostgreSQL's hidden column). */
const ROW_ORDER_NAME = '_rowid_';

/**
 * A legacy table of runmeta's with a column of its own named `_rowid_`: in v2
 * that name is the insertion order runmeta pages and orders by (SQLite would let
 * the column hide it; PostgreSQL has a column of that name already).
 */
function refuseRowOrderColumn(table: string, column: string): never {
  throw new MigrationError(
    `${table} has a column of its own named ${column}, the name runmeta reads insertion order by, so carry-over cannot copy it into v2`,
    {
      hint: `Migrate with strategy: 'archive' (the column stays, readable, in the archive), or rename the column in a copy of the database (ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(column)} TO …) and migrate that`,
      cliHint: `Migrate with --strategy archive (the column stays, readable, in the archive), or rename the column in a copy of the database (ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(column)} TO …) and migrate that`,
    },
  );
}

/**
 * Plan what opening a database requires. Pure: same input, same plan.
 *
 * @param schema - the observed schema, or `null` when the database does not exist
 */
export function planMigration(
  schema: ObservedSchema | null,
  given: PlanOptions = {},
): MigrationPlan {
  parseInput(ObservedSchemaOption, schema, 'schema', 'read');
  const options = parseOptions(PlanOptionsSchema, given, { operation: 'read' }) as PlanOptions;
  const database = options.database ?? 'runs.db';
  const dialect = options.dialect ?? sqliteDialect;
  const detection = detectSchema(schema);
  const plan: MigrationPlan = {
    database,
    detection,
    action: 'none',
    refusal: null,
    strategy: null,
    backfill: false,
    archiveName: null,
    asideName: null,
    fileMoves: [],
    steps: [],
    copies: [],
    backfillSql: null,
    addedColumns: [],
    keptSourceTypes: [],
    nullableColumns: [],
    historyColumns: HISTORY_INSERT_COLUMNS,
  };
  const historySql = insertSql(TABLES.history.name, HISTORY_INSERT_COLUMNS);
  const verify = (db: string, tables: readonly TableDef[]): MigrationStep => ({
    kind: 'verify',
    description: 'Verify: integrity check, expected v2 schema, row counts',
    database: db,
    sql: [
      dialect.integritySql,
      ...tables.map((t) => `SELECT count(*) AS n FROM ${quoteIdent(t.name)}`),
    ],
  });

  const install = (aside: string): MigrationStep => ({
    kind: 'install',
    description: `Move ${aside} into place as ${database}`,
    database,
    sql: [],
    from: aside,
    to: database,
  });

  switch (detection.kind) {
    case 'newer':
      plan.action = 'refuse';
      plan.refusal = `schema_version ${detection.version} is newer than ${CURRENT_SCHEMA_VERSION}`;
      return plan;
    case 'foreign':
      plan.action = 'refuse';
      plan.refusal = foreignDetail(detection);
      return plan;
    case 'empty':
      plan.action = 'refuse';
      plan.refusal = 'exists but holds no tables (an empty file?)';
      return plan;
    case 'absent': {
      // Built aside and moved into place, like a migration: a process killed
      // half-way never leaves a half-made database at the real name.
      const aside = asideNameFor(database);
      const ddl = schemaDdlParts('v2', dialect);
      Object.assign(plan, { action: 'create', asideName: aside });
      plan.fileMoves = [{ from: aside, to: database }];
      plan.steps.push(
        {
          kind: 'create-aside',
          description: `Build a fresh v2 database aside as ${aside}`,
          database: aside,
          sql: [...ddl.tables, ...ddl.indexes],
        },
        {
          kind: 'record-history',
          description: 'Record the creation in runmeta_migrations',
          database: aside,
          sql: [historySql],
        },
        install(aside),
        verify(database, [TABLES.runs]),
      );
      return plan;
    }
    case 'v2':
    case 'v2-missing-columns': {
      const runs = schema!.tables.runs!;
      const missingTables = [...CHILD_TABLES, TABLES.history].filter(
        (t) => !schema!.tables[t.name],
      );
      plan.addedColumns = canonicalColumns(TABLES.runs)
        .filter((c) => !runs.some((o) => o.name.toLowerCase() === c.name))
        .map((c) => ({
          table: 'runs',
          column: c.name,
          sql: addColumnSql('runs', columnDefinitionSql(c, dialect)),
        }));
      const indexSql = [TABLES.runs, ...CHILD_TABLES].flatMap((t) =>
        createIndexSql(t, undefined, schema!.indexes),
      );
      if (
        plan.addedColumns.length === 0 &&
        missingTables.length === 0 &&
        detection.missingIndexes.length === 0
      ) {
        return plan;
      }
      plan.action = 'repair';
      // New indexes want the planner's statistics; added columns alone do not.
      const statistics = detection.missingIndexes.length ? [analyzeSql(TABLES.runs)] : [];
      if (plan.addedColumns.length) {
        plan.steps.push({
          kind: 'add-missing-columns',
          description: `Add ${plan.addedColumns.length} missing v2 column(s) to runs: ${plan.addedColumns.map((c) => c.column).join(', ')}`,
          database,
          sql: plan.addedColumns.map((c) => c.sql),
        });
      }
      plan.steps.push({
        kind: 'create-missing-tables',
        description:
          (missingTables.length
            ? `Create missing table(s) ${missingTables.map((t) => t.name).join(', ')} and indexes`
            : 'Create missing indexes') + (statistics.length ? STATISTICS_STEP : ''),
        database,
        sql: [
          ...missingTables.map((t) => createTableSql(t, undefined, dialect)),
          ...indexSql,
          ...statistics,
        ],
      });
      plan.steps.push(
        {
          kind: 'record-history',
          description: 'Record the repair in runmeta_migrations',
          database,
          sql: [historySql],
        },
        verify(database, [TABLES.runs]),
      );
      return plan;
    }
    default:
      break;
  }

  // v1 → v2. An unknown strategy was refused above: it must not silently become `archive`.
  const strategy = options.strategy ?? 'archive';
  const existing = options.existing ?? [];
  const archiveName = archiveNameFor(database, existing);
  const aside = asideNameFor(database);
  Object.assign(plan, {
    action: 'migrate',
    strategy,
    archiveName,
    asideName: aside,
    backfill: !!options.backfill && strategy === 'carry-over',
  });
  plan.fileMoves = [
    { from: database, to: archiveName },
    { from: aside, to: database },
  ];

  const ddl = schemaDdlParts('v2', dialect);
  const asideSql = ddl.tables;
  if (strategy === 'carry-over') {
    for (const table of [TABLES.runs, ...CHILD_TABLES]) {
      const source = schema!.tables[table.name];
      if (!source) continue;
      // SQLite column names are case-insensitive: `STATUS` is our `status`, not a new column.
      const ours = canonicalColumns(table).map((c) => c.name.toLowerCase());
      for (const column of source) {
        if (ours.includes(column.name.toLowerCase())) continue;
        if (column.name.toLowerCase() === ROW_ORDER_NAME)
          refuseRowOrderColumn(table.name, column.name);
        const sql = addColumnSql(table.name, definitionFor(table, column, dialect));
        plan.addedColumns.push({ table: table.name, column: column.name, sql });
        asideSql.push(sql);
      }
      const constants: Record<string, SqlValue> =
        table === TABLES.runs ? { schema_version: V1_SCHEMA_VERSION } : {};
      plan.copies.push(
        withLegacyIds(
          carryOverCopy(table, source, constants, rowOrderOf(schema, table.name)),
          table,
          source,
          schema!,
        ),
      );
      // A backend that checks types keeps a legacy column's own type where the
      // registry's could refuse some of its values: every row is carried over.
      const overrides: Record<string, string> = {};
      // A legacy column that may hold nulls (or is missing) cannot fill a NOT NULL
      // column: the v2 column takes nulls too, so no legacy row is refused.
      let relaxed = false;
      const columns = canonicalColumns(table).map((column) => {
        const found = source.find((c) => c.name.toLowerCase() === column.name);
        const type = found ? plainTypeName(found.type) : '';
        if (type && !column.primaryKey && dialect.mayRefuse?.(column.sqlType, type)) {
          overrides[column.name] = type;
          plan.keptSourceTypes.push(`${table.name}.${column.name} ${type}`);
        }
        if (!column.notNull || column.primaryKey || found?.notNull) return column;
        relaxed = true;
        plan.nullableColumns.push(`${table.name}.${column.name}`);
        return { ...column, notNull: false };
      });
      if (Object.keys(overrides).length || relaxed) {
        const at = [TABLES.runs, ...CHILD_TABLES].indexOf(table);
        asideSql[at] = createTableSql(table, columns, dialect, overrides);
      }
    }
  }

  if (dialect.checkpointSql) {
    plan.steps.push({
      kind: 'checkpoint',
      description: `Checkpoint ${database}'s write-ahead log so the file alone holds every row`,
      database,
      sql: [dialect.checkpointSql],
    });
  }
  plan.steps.push({
    kind: 'create-aside',
    description: `Build a fresh v2 database aside as ${aside}${plan.addedColumns.length ? `, keeping ${plan.addedColumns.length} source column(s) v2 lacks` : ''}${plan.keptSourceTypes.length ? `, declaring ${plan.keptSourceTypes.join(', ')} as in the source` : ''}${plan.nullableColumns.length ? `, taking nulls in ${plan.nullableColumns.join(', ')} as the source does` : ''}`,
    database: aside,
    sql: asideSql,
  });
  if (strategy === 'carry-over') {
    plan.steps.push({
      kind: 'carry-over',
      description: `Copy every run and child row from ${database} (schema_version '1.0', v2 fields null) in one transaction, page by page${plan.copies.some((c) => c.legacyIds) ? `; child rows keep their ids unless a table's ids are not unique integers, then they get new ones and the old ones are kept in ${plan.copies.flatMap((c) => (c.legacyIds ? [`${c.table}.${c.legacyIds.column}`] : [])).join(', ')}` : ''}`,
      database: aside,
      sql: options.attach
        ? [
            `ATTACH DATABASE ? AS ${quoteIdent(ATTACHED_SOURCE)}`,
            ...plan.copies.flatMap((c) => [c.attachedRange ?? [], c.attachedPage].flat()),
            `DETACH DATABASE ${quoteIdent(ATTACHED_SOURCE)}`,
          ]
        : plan.copies.flatMap((c) => [c.select, c.insert]),
    });
    if (plan.backfill) {
      plan.backfillSql = backfillStatements();
      const b = plan.backfillSql;
      plan.steps.push({
        kind: 'backfill',
        description:
          'Backfill actual_tokens_used, fidelity_efficiency_score and fidelity_distribution from v1 data, page by page',
        database: aside,
        sql: [...b.indexes, b.count, b.firstPage, b.nextPage, b.assignments, b.update],
      });
    }
  }
  // Only carried rows want the planner's statistics; an empty file's would be empty.
  const carried = strategy === 'carry-over';
  plan.steps.push(
    {
      kind: 'create-indexes',
      description: carried
        ? `Create the v2 indexes (after the copy: one sort per index instead of row-by-row upkeep)${STATISTICS_STEP}`
        : 'Create the v2 indexes',
      database: aside,
      sql: carried ? [...ddl.indexes, analyzeSql(TABLES.runs)] : ddl.indexes,
    },
    {
      kind: 'record-history',
      description: 'Record the migration in runmeta_migrations',
      database: aside,
      sql: [historySql],
    },
    {
      kind: 'archive-move',
      description: `Move the v1 database to ${archiveName}${archiveName !== archiveNameFor(database) ? ' (the usual name is taken)' : ''}`,
      database,
      sql: [],
      from: database,
      to: archiveName,
    },
    install(aside),
    verify(database, [TABLES.runs, ...CHILD_TABLES]),
  );
  return plan;
}

/** Why a `foreign` database is not a run database. */
export function foreignDetail(detection: SchemaDetection): string {
  return detection.runsColumns.length
    ? 'has a runs table without a run_id column, so its runs cannot be told apart'
    : 'has tables but no runs table';
}
