/**
 * The public API is a list you can read: the root of `@runmeta/core` exports an
 * explicit set of runtime names (at most 90), adapter-authoring pieces live in
 * `@runmeta/core/adapter` and demo data in `@runmeta/core/demo`. A name added to
 * or removed from an entry shows up here as a deliberate change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as adapter from './adapter.js';
import * as demo from './demo/index.js';
import * as root from './index.js';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** The names of the declarations tagged `@internal` in core's source. */
function internalNames(): string[] {
  const names: string[] = [];
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = fs.readFileSync(file, 'utf8');
        const tagged =
          /@internal[\s\S]*?\*\/\s*export\s+(?:async\s+)?(?:function|const|class|interface|type)\s+(\w+)/g;
        for (const match of text.matchAll(tagged)) names.push(match[1] as string);
      }
    }
  };
  visit(SRC);
  return names;
}

describe('the public API', () => {
  it('the root exports an explicit list of at most 90 runtime names', () => {
    const names = Object.keys(root).sort();
    expect(names.length).toBeLessThanOrEqual(90);
    expect(names).toEqual([
      'ArchiveConflictError',
      'CURRENT_SCHEMA_VERSION',
      'ClosedError',
      'CompleteRunInput',
      'DEFAULT_PAGE_SIZE',
      'DatabaseLockedError',
      'DatabaseTooLargeError',
      'ERROR_CODES',
      'FIDELITY_PLANNING_MODES',
      'FidelityStrategyInput',
      'FidelityTemporalStrategy',
      'FileSystemError',
      'INGEST_DEFAULTS',
      'INGEST_EVENTS',
      'ImportLineError',
      'IngestLineError',
      'InterruptedError',
      'MAX_PAGE_SIZE',
      'MIGRATION_STRATEGIES',
      'MechanismUsageInput',
      'MetadataManager',
      'MigrationError',
      'NeedsMigrationError',
      'NewerSchemaError',
      'NotADatabaseError',
      'NotAFileError',
      'RESOLUTION_LEVELS',
      'RUN_STATUSES',
      'ReadOnlyError',
      'ResolutionAssignmentInput',
      'RunFilter',
      'RunFinishedError',
      'RunNotFoundError',
      'RunmetaError',
      'SDK_VERSION',
      'SORT_KEYS',
      'STRATEGY_DEFAULTS',
      'SUMMARY_GROUPINGS',
      'ServerUnreachableError',
      'SimulationSnapshot',
      'StartRunInput',
      'StorageError',
      'TEMPORAL_MODES',
      'TOKEN_BUDGET_MODES',
      'UnsafeSchemaError',
      'V1_SCHEMA_VERSION',
      'ValidationError',
      'ValidationRecordInput',
      'WHERE_COLUMNS',
      'WHERE_LIMITS',
      'WhereSyntaxError',
      'aggregateRuns',
      'applyMigration',
      'carryOverArchive',
      'changesSinceMigration',
      'compareRuns',
      'countArchivedStaleRuns',
      'countRuns',
      'countRunsByStatus',
      'csvCell',
      'describeChanges',
      'detectSchema',
      'exportFields',
      'exportValue',
      'fidelityDistribution',
      'fidelityEfficiencyScore',
      'fidelityTotals',
      'findLeftovers',
      'formatPlan',
      'formatSnapshotForLlm',
      'importRunDatabase',
      'ingestEvents',
      'isUpToDate',
      'listRuns',
      'mechanismCoverage',
      'metricsFromV1',
      'openDatabase',
      'parseWhere',
      'planMigration',
      'readDatabaseStatus',
      'reportTotals',
      'rollbackMigration',
      'runActivity',
      'runHistogram',
      'sortedDistribution',
      'strategyWithDefaults',
      'streamRuns',
      'summarizeRuns',
      'tokenBudgetCompliance',
      'totalsPerTemplate',
    ]);
  });

  it('@runmeta/core/adapter holds what a backend is written with', () => {
    expect(Object.keys(adapter).sort()).toEqual([
      'ARCHIVE_SUFFIX',
      'BACKUP_SUFFIX',
      'CHILD_TABLES',
      'CallbackOption',
      'CopyDatabaseOptionsSchema',
      'Database',
      'DatabaseNameOption',
      'DurationMs',
      'FILE_KIND_WORDS',
      'IMPORTING_SUFFIX',
      'LOCK_NOTE_SUFFIX',
      'LOCK_SUFFIX',
      'MANAGER_OPTION_FIELDS',
      'MAX_TIMEOUT_MS',
      'NonEmptyText',
      'PARTIAL_EXPORT_SUFFIX',
      'PlainObjectOption',
      'REPLACED_SUFFIX',
      'RESTORING_SUFFIX',
      'SQLITE_SIDE_SUFFIXES',
      'STORED_TIME_PATTERN',
      'SYSTEM_ERROR_REASONS',
      'StorageAdapterOption',
      'TABLES',
      'WORKING_SUFFIXES',
      'applySqliteConnectionPragmas',
      'archiveNameFor',
      'asideNameFor',
      'backupNameFor',
      'canonicalColumns',
      'classifySqliteError',
      'columnsOf',
      'copyDatabase',
      'copyTables',
      'createMemoryContainer',
      'fileSystemError',
      'filterLimitError',
      'importingNameFor',
      'insertSql',
      'interruptionPoint',
      'isWellFormedText',
      'loneSurrogateIndex',
      'looksLikeSqlite',
      'observeSchema',
      'overwriteRefused',
      'parseInput',
      'parseOptions',
      'parseTimeInput',
      'plainColumnLists',
      'plainTypeName',
      'previewValue',
      'quoteIdent',
      'quoteLiteral',
      'replacedNameFor',
      'restoringNameFor',
      'schemaDdl',
      'schemaVersions',
      'sqliteConnectionPragmas',
      'sqliteDialect',
      'sqliteInTransaction',
      'sqliteQuickCheck',
      'summarizeNarrative',
      'systemErrorCode',
      'systemErrorReason',
      'timeInputProblem',
      'timeKey',
      'trackSqliteChanges',
      'utf8Problem',
      'withoutWalHeader',
    ]);
  });

  it('@runmeta/core/demo holds the demo database', () => {
    expect(Object.keys(demo).sort()).toEqual([
      'DEMO_TEMPLATES',
      'buildDemoDatabase',
      'recordDemoV2Runs',
      'seededRandom',
      'writeSyntheticV1',
    ]);
  });

  it('each runtime name has one entry', () => {
    const rootNames = new Set(Object.keys(root));
    const shared = [...Object.keys(adapter), ...Object.keys(demo)].filter((n) => rootNames.has(n));
    expect(shared).toEqual([]);
  });

  it('no entry exports a name tagged @internal', () => {
    const internal = internalNames();
    expect(internal.length).toBeGreaterThan(0);
    const exported = new Set([...Object.keys(root), ...Object.keys(adapter), ...Object.keys(demo)]);
    expect(internal.filter((n) => exported.has(n))).toEqual([]);
  });
});
