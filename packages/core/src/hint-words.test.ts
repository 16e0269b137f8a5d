/**
 * Every hint written in the source of core and the adapters, read statically: a
 * `hint` is shown to SDK users (in `message`), so it names SDK options and methods,
 * never a CLI flag or command; a `cliHint` is shown by the CLI instead, so it names
 * flags and commands, never an SDK option or method. The runtime check of each
 * error class's default hints is in `errors.test.ts`; this one covers every
 * construction, including the hints callers pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));
/** The packages whose errors carry hints (the CLI has no `hint` of its own). */
const SOURCES = ['core/src', 'node-sqlite/src', 'browser-wasm/src', 'postgres/src'];

/** CLI words: a flag (`--yes`), a command (`runmeta migrate`), "run with --debug". */
const CLI_WORDS =
  /(^|[\s`(=])--[a-z]|`runmeta |\brunmeta (start|record|complete|runs|inspect|export|import|status|migrate|rollback|report|budget|demo)\b/;
/**
 * SDK words: an option set in code (`readOnly: true`, `strategy: 'archive'`), a
 * method call (`plan()`, `open({ adapter })`), or an option or method name
 * (camelCase: `readOnly`, `autoMigrate`, `carryOverArchive`).
 */
const SDK_WORDS = /\b\w+: (true|false|'|")|\w\(|\b[a-z]+[A-Z][A-Za-z]*\b|\bMetadataManager\b/;

/** Constructors and functions whose second argument is a hint (SDK words). */
const HINT_ARGUMENT = new Set(['ArchiveConflictError', 'overwriteRefused']);

interface Hint {
  where: string;
  kind: 'hint' | 'cliHint';
  text: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

/**
 * The literal text an expression can take: every string and template part, with
 * `${…}` resolved to a same-file constant when it names one (else left as `…`).
 */
function literalTexts(
  node: ts.Expression,
  constants: ReadonlyMap<string, ts.Expression>,
  seen: Set<string> = new Set(),
): string[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression, constants, seen);
  if (ts.isConditionalExpression(node)) {
    return [
      ...literalTexts(node.whenTrue, constants, seen),
      ...literalTexts(node.whenFalse, constants, seen),
    ];
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return [
      ...literalTexts(node.left, constants, seen),
      ...literalTexts(node.right, constants, seen),
    ];
  }
  if (ts.isIdentifier(node)) {
    const value = constants.get(node.text);
    if (!value || seen.has(node.text)) return [];
    return literalTexts(value, constants, new Set([...seen, node.text]));
  }
  if (ts.isTemplateExpression(node)) {
    let texts = [node.head.text];
    for (const span of node.templateSpans) {
      const inner = literalTexts(span.expression, constants, seen);
      const parts = inner.length ? inner : ['…'];
      texts = texts.flatMap((t) => parts.map((p) => `${t}${p}${span.literal.text}`));
    }
    return texts;
  }
  return [];
}

/** Every `hint:` / `cliHint:` property (and ArchiveConflictError's hint argument) of a file. */
function hintsOf(file: string): Hint[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, ts.Expression>();
  const found: { node: ts.Node; kind: Hint['kind']; value: ts.Expression }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      STRINGS.push({ where: `${path.relative(PACKAGES, file)}:${line}`, text: node.text });
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      constants.set(node.name.text, node.initializer);
    }
    if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      (node.name.text === 'hint' || node.name.text === 'cliHint')
    ) {
      found.push({ node, kind: node.name.text, value: node.initializer });
    }
    // A default hint given as a parameter's default value (`hint = MOVE_IT_FIRST`).
    if (
      ts.isParameter(node) &&
      ts.isIdentifier(node.name) &&
      (node.name.text === 'hint' || node.name.text === 'cliHint') &&
      node.initializer
    ) {
      found.push({ node, kind: node.name.text, value: node.initializer });
    }
    // The errors that take their hint as a plain argument.
    if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      HINT_ARGUMENT.has(node.expression.text) &&
      node.arguments?.[1] &&
      !ts.isObjectLiteralExpression(node.arguments[1])
    ) {
      found.push({ node, kind: 'hint', value: node.arguments[1] });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.flatMap(({ node, kind, value }) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const where = `${path.relative(PACKAGES, file)}:${line}`;
    return literalTexts(value, constants).map((t) => ({ where, kind, text: t }));
  });
}

/** Every string and template part of the source, for the check on mixed wording. */
const STRINGS: { where: string; text: string }[] = [];
const HINTS = SOURCES.flatMap((dir) => sourceFiles(path.join(PACKAGES, dir))).flatMap(hintsOf);

describe('hints in the words of their interface, across the source', () => {
  it('finds the hints it checks (the scan reads the source)', () => {
    expect(HINTS.filter((h) => h.kind === 'hint').length).toBeGreaterThan(30);
    expect(HINTS.filter((h) => h.kind === 'cliHint').length).toBeGreaterThan(15);
    expect(HINTS.map((h) => h.text)).toContain('Pass includeArchive: true to read it');
  });

  it('no hint (shown to SDK users) names a CLI flag or command', () => {
    const wrong = HINTS.filter((h) => h.kind === 'hint' && CLI_WORDS.test(h.text));
    expect(wrong.map((h) => `${h.where}: ${h.text}`)).toEqual([]);
  });

  it('no cliHint (shown by the CLI) names an SDK option or method', () => {
    const wrong = HINTS.filter((h) => h.kind === 'cliHint' && SDK_WORDS.test(h.text));
    expect(wrong.map((h) => `${h.where}: ${h.text}`)).toEqual([]);
  });

  it('no text speaks to both interfaces at once ("pass confirm: true (CLI: --yes)")', () => {
    expect(STRINGS.length).toBeGreaterThan(500);
    const mixed = STRINGS.filter((s) => /\bCLI: *(--|`?runmeta )/.test(s.text));
    expect(mixed.map((s) => `${s.where}: ${s.text}`)).toEqual([]);
  });

  it('the patterns tell the two vocabularies apart', () => {
    expect(CLI_WORDS.test('Add --include-archive to read it')).toBe(true);
    expect(CLI_WORDS.test('Run `runmeta migrate` first')).toBe(true);
    expect(CLI_WORDS.test('Run with --debug and report it')).toBe(true);
    expect(CLI_WORDS.test('runmeta never overwrites a database')).toBe(false);
    expect(CLI_WORDS.test('Pass includeArchive: true to read it')).toBe(false);
    expect(SDK_WORDS.test('Pass includeArchive: true to read it')).toBe(true);
    expect(SDK_WORDS.test('see the plan with MetadataManager.plan()')).toBe(true);
    expect(SDK_WORDS.test('Open it without readOnly')).toBe(true);
    expect(SDK_WORDS.test("Migrate with strategy: 'archive'")).toBe(true);
    expect(SDK_WORDS.test('Add --include-archive to read it')).toBe(false);
    expect(SDK_WORDS.test('Check the schema= part of --db')).toBe(false);
  });
});
