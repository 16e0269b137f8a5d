/**
 * The child records of one run as compact text sections for `runs show`: one
 * line per mechanism event, resolution assignment and validation (violations
 * listed under their validation), long values cut with `…`.
 */
import type { MechanismUsage, ResolutionAssignment, ValidationRecord } from '@runmeta/core';
import type { CliContext } from '../context.js';
import { printable } from './printable.js';
import { truncate } from './table.js';
import { displayWidth } from './width.js';

/** Longest value shown in full; longer ones end in `…` (`--json` has them whole). */
export const MAX_VALUE_LENGTH = 80;

/** One value on one line: objects as compact JSON, missing as `—`, newlines as spaces. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return truncate(printable(text.replace(/\s*[\r\n]+\s*/g, ' ')), MAX_VALUE_LENGTH);
}

/** `2025-12-11T12:05:53.364874` → `2025-12-11 12:05:53`. */
function time(timestamp: string | null): string {
  return timestamp ? timestamp.slice(0, 19).replace('T', ' ') : '—'.padEnd(19);
}

/**
 * Rows of cells as lines, each column padded to its widest cell but the last.
 * Widths are found with a loop: a run may have hundreds of thousands of events.
 */
function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        i < row.length - 1 ? cell + ' '.repeat(widths[i]! - displayWidth(cell)) : cell,
      )
      .join('  ')
      .trimEnd(),
  );
}

function section(title: string, count: number, lines: string[], note = ''): string {
  return count === 0 ? `${title}: none` : [`${title} (${count}${note}):`, ...lines].join('\n');
}

/** The three sections of `runs show`, separated by blank lines. */
export function renderChildRecords(
  mechanisms: MechanismUsage[],
  resolutions: ResolutionAssignment[],
  validations: ValidationRecord[],
  c: CliContext['color'],
): string {
  const mechanismLines = columns(
    mechanisms.map((m) => [
      `  ${time(m.timestamp)}`,
      shown(m.mechanism),
      shown(m.functionName),
      shown(m.context),
    ]),
  );
  const resolutionLines = columns(
    resolutions.map((r) => [
      `  ${time(r.timestamp)}`,
      shown(r.entityId),
      shown(typeof r.resolution === 'string' ? r.resolution.toUpperCase() : r.resolution),
      shown(r.timepointId),
    ]),
  );
  const validationRows = columns(
    validations.map((v) => [
      `  ${time(v.timestamp)}`,
      v.passed ? 'passed' : 'failed',
      shown(v.validatorName),
      v.message ? shown(v.message) : '',
    ]),
  );
  const validationLines = validations.flatMap((v, i) => {
    // Colour after padding: escape codes would throw the column widths off.
    const line = validationRows[i]!.replace(
      v.passed ? 'passed' : 'failed',
      v.passed ? c.green('passed') : c.red('failed'),
    );
    return [line, ...v.violations.map((violation) => `      - ${shown(violation)}`)];
  });
  const failed = validations.filter((v) => !v.passed).length;
  return [
    section('Mechanism events', mechanisms.length, mechanismLines),
    section('Resolution assignments', resolutions.length, resolutionLines),
    section(
      'Validations',
      validations.length,
      validationLines,
      `: ${validations.length - failed} passed, ${failed} failed`,
    ),
  ].join('\n\n');
}
