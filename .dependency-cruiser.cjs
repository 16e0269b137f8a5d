/**
 * The architecture of the packages, checked by `pnpm lint` (dependency-cruiser).
 *
 * Core is layered from the bottom up; a module may import its own layer and the
 * layers below it, never one above:
 *
 *   sql/ (SqlValue, Row, StatementExecutor, SqlType, quoting, observed schema)
 *   ← errors.ts, error-classification.ts
 *   ← schema/ (zod schemas, values, options)
 *   ← columns/ (registry, codecs, DDL from a DdlDialect)
 *   ← storage/ (Database, the dialect roles, the SQLite dialect and introspector)
 *   ← migrate/ ← manager/ ← queries/ (questions over many runs)
 *   and, beside queries/, ingest/ (JSON-lines events into manager writes) and
 *   interchange/ (runs in other formats: OpenTelemetry traces)
 *
 * Type-only imports count: a lower layer that needs a type from a higher one is
 * upside down (tsPreCompilationDeps). Adapters and the CLI see other packages
 * only through their public entry points.
 *
 * There are no known exceptions: a new cycle or layer violation fails the lint.
 */

/** Core's source, as a path prefix. */
const CORE = '^packages/core/src/';
/** The backend, dashboard and CLI packages. */
const ADAPTERS = '^packages/(node-sqlite|browser-wasm|postgres|ui|cli)/';
/** The public entry points of a package (`@runmeta/x`, `@runmeta/core/testing`, `@runmeta/core/adapter`, `@runmeta/core/constants`, `@runmeta/core/text`, `@runmeta/core/demo`). */
const PUBLIC_ENTRY =
  '^packages/[^/]+/src/(index|testing/index|adapter|adapter/index|constants|text|otlp|demo/index)\\.ts$|^packages/postgres/src/postgres-url\\.ts$|^packages/ui/src/server\\.ts$';

/** `from` the layer `layer` (a path below core's src), `to` any of `above`. */
const layer = (name, from, above, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `${CORE}${from}` },
  to: { path: `${CORE}(${above.join('|')})` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a cycle (type imports count): move the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that does not resolve, e.g. a path into another package that its exports map does not offer.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'core-not-to-adapters',
      severity: 'error',
      comment: 'Core never depends on a backend or the CLI: they depend on core.',
      from: { path: '^packages/core/' },
      to: { path: ADAPTERS },
    },
    {
      name: 'only-public-entry-points',
      severity: 'error',
      comment:
        'Adapters and the CLI import other packages by their public entry points (`@runmeta/core`, `@runmeta/core/adapter`, `@runmeta/core/constants`, `@runmeta/core/text`, `@runmeta/core/demo`, `@runmeta/core/testing`, `@runmeta/postgres/url`), never a file inside them.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/([^/]+)/', pathNot: ['^packages/$1/', PUBLIC_ENTRY] },
    },
    {
      name: 'ui-page-code-without-node',
      severity: 'error',
      comment:
        "@runmeta/ui's API runs in a page as well as in Node: it imports no Node built-in and nothing of the server (only `@runmeta/ui/server` is Node's).",
      from: { path: '^packages/ui/src/(index\\.ts$|api/)' },
      to: { path: '^packages/ui/src/server' },
    },
    {
      name: 'ui-page-code-without-node-built-ins',
      severity: 'error',
      comment: "@runmeta/ui's API runs in a page: no Node built-in (`node:fs`, `node:http`…).",
      from: { path: '^packages/ui/src/(index\\.ts$|api/)' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-relative-import-of-another-package',
      severity: 'error',
      comment:
        'Another package is imported by its name (`@runmeta/core`), never by a relative path.',
      from: { path: '^packages/([^/]+)/' },
      to: { dependencyTypes: ['local'], path: '^packages/', pathNot: '^packages/$1/' },
    },
    layer(
      'sql-is-the-bottom',
      'sql/',
      ['(?!sql/)'],
      'sql/ holds the shared vocabulary: it imports nothing else of core.',
    ),
    layer(
      'errors-above-sql-only',
      '(errors|error-classification)\\.ts$',
      ['(?!sql/|errors\\.ts$|error-classification\\.ts$)'],
      'Every layer throws typed errors, so errors import only the SQL vocabulary.',
    ),
    layer(
      'schema-below-columns',
      'schema/',
      [
        'columns/',
        'storage/',
        'filter/',
        'migrate/',
        'manager/',
        'queries/',
        'ingest/',
        'snapshot/',
        'demo/',
        'testing/',
      ],
      'schema/ (zod schemas and values) sits below the column registry and everything built on it.',
    ),
    layer(
      'columns-below-storage',
      'columns/',
      [
        'storage/',
        'filter/',
        'migrate/',
        'manager/',
        'queries/',
        'ingest/',
        'metrics/',
        'snapshot/',
        'demo/',
        'testing/',
      ],
      'Columns derive DDL from a DdlDialect (columns/ddl-dialect.ts) and need nothing from storage.',
    ),
    layer(
      'storage-below-migrate',
      'storage/',
      [
        'filter/',
        'migrate/',
        'manager/',
        'queries/',
        'ingest/',
        'metrics/',
        'snapshot/',
        'demo/',
        'testing/',
      ],
      'storage/ (Database, dialects, introspectors) knows nothing of migrations or the manager.',
    ),
    layer(
      'nothing-below-imports-the-manager',
      '(sql|schema|columns|storage|filter|metrics|migrate|snapshot)/',
      ['manager/', 'queries/', 'ingest/', 'interchange/', 'demo/', 'testing/'],
      'schema/, metrics/, migrate/ and the other layers below never import the manager (or what is built on it).',
    ),
    layer(
      'ingest-is-a-top-layer',
      '(manager|queries)/',
      ['ingest/', 'interchange/'],
      'ingest/ turns event streams into manager writes, interchange/ runs into other formats: the manager and the queries beside them never import them.',
    ),
  ],
  options: {
    // Only the packages' own source: fast, and tests beside the code are checked too.
    // Node's built-ins too (`fs`, `http`), so a rule can keep them out of page code.
    includeOnly: ['^packages/[^/]+/src/', '^@runmeta/', '^(node:)?[a-z_]+$'],
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      // Workspace packages resolve to their TypeScript source, as in typecheck and tests.
      conditionNames: ['@runmeta/source', 'import', 'types', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
