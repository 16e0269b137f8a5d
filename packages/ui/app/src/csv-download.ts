/**
 * The run list's CSV download: every run the current filter selects, in the
 * current sort, with the columns shown — read page by page through the same
 * `RunsApi.list` the table uses (keyset cursors, so memory on the server stays
 * flat), and handed to the browser as one file. `runmeta export --format csv`
 * writes every field of every run from the command line.
 */
import type { ListRunsOptions } from '@runmeta/core';
import { csvCell } from '@runmeta/core/constants';
import type { RunsApi } from '../../src/api/runs-api';
import { fieldValue } from './format';

/**
 * A text a spreadsheet would run as a formula (`=HYPERLINK(…)` in an error
 * message an LLM wrote) is kept as text: a leading `'`, as OWASP advises for
 * CSV meant for spreadsheets. Numbers (a negative cost) are left as they are.
 */
function asText(value: unknown): unknown {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Runs per request while downloading. */
const DOWNLOAD_PAGE = 1000;

/**
 * The CSV text of every run `options` selects, as Blob parts (header first):
 * `progress` is told the runs read so far; `signal` stops between pages.
 */
export async function runsCsv(
  api: RunsApi,
  options: Omit<ListRunsOptions, 'limit' | 'cursor'>,
  fields: readonly string[],
  progress: (runs: number) => void,
  signal: AbortSignal,
): Promise<string[]> {
  const parts = [`${fields.map(csvCell).join(',')}\r\n`];
  let cursor: string | undefined;
  let runs = 0;
  do {
    signal.throwIfAborted();
    const page = await api.list({ ...options, limit: DOWNLOAD_PAGE, cursor });
    parts.push(
      page.runs
        .map(
          (run) =>
            `${fields.map((f) => csvCell(asText(fieldValue(run as Record<string, unknown>, f)))).join(',')}\r\n`,
        )
        .join(''),
    );
    runs += page.runs.length;
    progress(runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return parts;
}

/** Hand `parts` to the browser as a file named `name`. */
export function saveFile(parts: string[], name: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has taken the data: the URL can go once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
