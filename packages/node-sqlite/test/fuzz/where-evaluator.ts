/**
 * The independent evaluator of the filter fuzz (`../fuzz-where.test.ts`): a
 * filter's syntax tree as the test builds it, its text, its size as the
 * documented limits count it, and its truth for a row read with plain
 * better-sqlite3 — SQL's three-valued logic, SQLite's BINARY collation (UTF-8
 * bytes) and LIKE (ASCII case folding), written here without runmeta's code.
 */

/** A row as plain better-sqlite3 reads it. */
export type Row = Record<string, unknown>;

export type Field =
  | { kind: 'number' | 'text' | 'time'; column: string }
  | { kind: 'status' }
  | { kind: 'fidelity'; level: string };
export type Value = number | string | null;
export type Node =
  | { k: 'cmp'; f: Field; op: string; v: Value }
  | { k: 'in'; f: Field; vs: Value[]; neg: boolean }
  | { k: 'like'; f: Field; pattern: string; neg: boolean }
  | { k: 'null'; f: Field; neg: boolean }
  | { k: 'and' | 'or'; items: Node[] }
  | { k: 'not' | 'paren'; x: Node };

/** The column name as stored, from the form written in the filter. */
export const sqlName = (column: string) =>
  column === column.toUpperCase()
    ? column.toLowerCase()
    : column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const literal = (v: Value) =>
  v === null ? 'null' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
const fieldText = (f: Field) =>
  f.kind === 'fidelity' ? `fidelity.${f.level}` : f.kind === 'status' ? 'status' : f.column;
export function render(n: Node): string {
  switch (n.k) {
    case 'cmp':
      return `${fieldText(n.f)} ${n.op} ${literal(n.v)}`;
    case 'in':
      return `${fieldText(n.f)} ${n.neg ? 'not in' : 'in'} (${n.vs.map(literal).join(', ')})`;
    case 'like':
      return `${fieldText(n.f)} ${n.neg ? 'not like' : 'like'} ${literal(n.pattern)}`;
    case 'null':
      return `${fieldText(n.f)} is ${n.neg ? 'not ' : ''}null`;
    case 'and':
    case 'or':
      return n.items
        .map((item) => (item.k === 'and' || item.k === 'or' ? `(${render(item)})` : render(item)))
        .join(` ${n.k} `);
    case 'not':
      return `not ${n.x.k === 'and' || n.x.k === 'or' ? `(${render(n.x)})` : render(n.x)}`;
    case 'paren':
      return `(${render(n.x)})`;
  }
}
/** Conditions, nesting (parentheses and not, as rendered) and in values of a tree. */
export function size(n: Node): { conditions: number; depth: number; values: number } {
  switch (n.k) {
    case 'and':
    case 'or': {
      const parts = n.items.map((item) => {
        const s = size(item);
        return item.k === 'and' || item.k === 'or' ? { ...s, depth: s.depth + 1 } : s;
      });
      return {
        conditions: parts.reduce((a, p) => a + p.conditions, 0),
        depth: Math.max(...parts.map((p) => p.depth)),
        values: parts.reduce((a, p) => a + p.values, 0),
      };
    }
    case 'not': {
      const s = size(n.x);
      return { ...s, depth: s.depth + 1 + (n.x.k === 'and' || n.x.k === 'or' ? 1 : 0) };
    }
    case 'paren': {
      const s = size(n.x);
      return { ...s, depth: s.depth + 1 };
    }
    case 'in':
      return { conditions: 1, depth: 0, values: n.vs.length };
    default:
      return { conditions: 1, depth: 0, values: 0 };
  }
}

export type Truth = boolean | null;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** SQLite's BINARY collation: UTF-8 bytes. */
const compareText = (a: string, b: string) => Buffer.compare(utf8(a), utf8(b));
/** SQLite's LIKE: % and _ (one character), ASCII letters in any case. */
function like(text: string, pattern: string): boolean {
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const source = [...fold(pattern)]
    .map((c) =>
      c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u').test(fold(text));
}
function fieldValue(f: Field, row: Row): unknown {
  if (f.kind === 'fidelity') {
    const json = row.fidelity_distribution;
    if (typeof json !== 'string') return null;
    const counts = JSON.parse(json) as Record<string, number>;
    const found = Object.entries(counts).filter(([key]) => key.toLowerCase() === f.level);
    return found.length ? found.reduce((a, [, n]) => a + n, 0) : null;
  }
  if (f.kind === 'status') return String(row.status).trim().toLowerCase();
  return row[sqlName(f.column)] ?? null;
}
function compare(f: Field, a: unknown, op: string, b: Value): Truth {
  if (a === null || b === null) return null;
  let c: number;
  if (f.kind === 'time') c = Math.sign(Date.parse(String(a)) - Date.parse(String(b)));
  else if (f.kind === 'status') c = compareText(String(a), String(b).trim().toLowerCase());
  else if (typeof a === 'number' && typeof b === 'number') c = Math.sign(a - b);
  else c = compareText(String(a), String(b));
  return {
    '=': c === 0,
    '!=': c !== 0,
    '<>': c !== 0,
    '<': c < 0,
    '<=': c <= 0,
    '>': c > 0,
    '>=': c >= 0,
  }[op]!;
}
const not = (t: Truth): Truth => (t === null ? null : !t);
export function evaluate(n: Node, row: Row): Truth {
  switch (n.k) {
    case 'cmp':
      return compare(n.f, fieldValue(n.f, row), n.op, n.v);
    case 'in': {
      const a = fieldValue(n.f, row);
      if (a === null) return null;
      const results = n.vs.map((v) => compare(n.f, a, '=', v));
      const t: Truth = results.includes(true) ? true : results.includes(null) ? null : false;
      return n.neg ? not(t) : t;
    }
    case 'like': {
      const a = fieldValue(n.f, row);
      if (a === null) return null;
      const t = like(String(a), n.pattern);
      return n.neg ? !t : t;
    }
    case 'null': {
      const isNull = fieldValue(n.f, row) === null;
      return n.neg ? !isNull : isNull;
    }
    case 'and': {
      const ts = n.items.map((item) => evaluate(item, row));
      return ts.includes(false) ? false : ts.includes(null) ? null : true;
    }
    case 'or': {
      const ts = n.items.map((item) => evaluate(item, row));
      return ts.includes(true) ? true : ts.includes(null) ? null : false;
    }
    case 'not':
      return not(evaluate(n.x, row));
    case 'paren':
      return evaluate(n.x, row);
  }
}
