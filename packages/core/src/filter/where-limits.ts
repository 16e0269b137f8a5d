/**
 * How big a `--where` filter may be, and what happens at the edges. A filter is
 * user input (a URL parameter of the dashboard, a flag in a script): the parser
 * bounds it ({@link WHERE_LIMITS}) well inside what every backend accepts —
 * SQLite refuses expression trees deeper than 1000, more than 32,766 parameters
 * and LIKE patterns over 50,000 bytes; PostgreSQL takes at most 65,535
 * parameters — so a filter within the limits always runs, and one beyond them is
 * refused at the place it crosses one. (Should a backend still refuse a filter
 * for its size, `filterLimitError` in `engine-limits.ts` says so the same way.)
 *
 * @packageDocumentation
 */
import type { ColumnDef } from '../columns/registry.js';
import { ValidationError } from '../errors.js';
import { RESOLUTION_LEVELS } from '../schema/enum-values.js';
import { isWellFormedText } from '../schema/text.js';
import { previewValue } from '../schema/validate.js';
import { isDerivedTime } from './derived-times.js';
import { WHERE_LIMITS } from './where-limit-values.js';

const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Check a syntax tree given to `compileWhere` (which may be hand-made rather
 * than made by `parseWhere`): known node kinds and operators, registry columns,
 * known fidelity levels, plain values, within {@link WHERE_LIMITS}. Throws a
 * `ValidationError` for field `where` otherwise.
 *
 * @internal
 */
export function checkWhereTree(
  node: unknown,
  columns: unknown,
  dialect: unknown,
  columnDefs: ReadonlyMap<string, ColumnDef>,
): void {
  const refuse = (problem: string): never => {
    throw new ValidationError('where', `is not a filter tree parseWhere() could make: ${problem}`, {
      operation: 'read',
      hint: 'Build the tree with parseWhere(text)',
    });
  };
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    throw new ValidationError(
      'columns',
      `must be an array of column names (got ${previewValue(columns)})`,
      {
        operation: 'read',
      },
    );
  }
  if (
    typeof dialect !== 'object' ||
    dialect === null ||
    typeof (dialect as { like?: unknown }).like !== 'function'
  ) {
    throw new ValidationError(
      'dialect',
      `must be a SQL dialect, e.g. sqliteDialect (got ${previewValue(dialect)})`,
      {
        operation: 'read',
      },
    );
  }
  let conditions = 0;
  let values = 0;
  const value = (v: unknown) => {
    if (v === null || (typeof v === 'number' && Number.isFinite(v))) return;
    if (typeof v === 'string' && isWellFormedText(v)) return;
    refuse(`a value must be a finite number, well-formed text or null (got ${previewValue(v)})`);
  };
  const field = (f: unknown) => {
    const ref = f as { kind?: unknown; column?: unknown; level?: unknown; name?: unknown } | null;
    if (ref?.kind === 'column' && typeof ref.column === 'string' && columnDefs.has(ref.column))
      return;
    if (ref?.kind === 'time' && typeof ref.name === 'string' && isDerivedTime(ref.name)) return;
    if (ref?.kind === 'fidelity' && (RESOLUTION_LEVELS as readonly unknown[]).includes(ref.level))
      return;
    refuse(`unknown field ${previewValue(f)}`);
  };
  // Iterative, with the depth of each node: a hand-made tree can be arbitrarily deep.
  const stack: [unknown, number][] = [[node, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (depth > WHERE_LIMITS.depth + WHERE_LIMITS.conditions) {
      refuse(`it is nested deeper than a filter within WHERE_LIMITS can be`);
    }
    const n = item as Record<string, unknown> | null;
    switch (typeof n === 'object' && n !== null ? n.kind : undefined) {
      case 'and':
      case 'or':
        stack.push([n!.left, depth + 1], [n!.right, depth + 1]);
        continue;
      case 'not':
        stack.push([n!.operand, depth + 1]);
        continue;
      case 'compare':
        field(n!.field);
        if (!OPERATORS.has(n!.op as string)) refuse(`unknown operator ${previewValue(n!.op)}`);
        value(n!.value);
        break;
      case 'in':
        field(n!.field);
        if (!Array.isArray(n!.values) || n!.values.length === 0) {
          refuse(`"in" needs a non-empty array of values (got ${previewValue(n!.values)})`);
        }
        values += (n!.values as unknown[]).length;
        (n!.values as unknown[]).forEach(value);
        break;
      case 'like':
        field(n!.field);
        if (typeof n!.pattern !== 'string' || n!.pattern.length > WHERE_LIMITS.patternLength) {
          refuse(`a like pattern must be text of at most ${WHERE_LIMITS.patternLength} characters`);
        }
        value(n!.pattern);
        break;
      case 'null':
        field(n!.field);
        break;
      default:
        refuse(`unknown node ${previewValue(item)}`);
    }
    if (!['undefined', 'boolean'].includes(typeof n!.negated)) refuse('negated must be a boolean');
    if (++conditions > WHERE_LIMITS.conditions || values > WHERE_LIMITS.values) {
      refuse(
        `it is larger than WHERE_LIMITS allow (${WHERE_LIMITS.conditions} conditions, ${WHERE_LIMITS.values} values)`,
      );
    }
  }
}
