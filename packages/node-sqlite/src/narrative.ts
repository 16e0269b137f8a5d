import fs from 'node:fs';
import path from 'node:path';
import { FileSystemError, type NarrativeSummary, NotAFileError } from '@runmeta/core';
import {
  FILE_KIND_WORDS,
  NonEmptyText,
  parseInput,
  parseOptions,
  summarizeNarrative,
  systemErrorCode,
  systemErrorReason,
} from '@runmeta/core/adapter';
import { readRegularFile } from './node-sqlite-files.js';
import { LoadNarrativeOptionsSchema } from './node-sqlite-options.js';

/** Options of {@link loadLatestNarrative}. */
export interface LoadNarrativeOptions {
  /**
   * Told, one line each, about what was skipped: a missing datasets folder, a
   * file that cannot be read or is not a JSON object. Without it, skipping is silent.
   */
  onWarning?: (message: string) => void;
}

/** The system's reason for a failed read, or the parser's message. */
function why(error: unknown): string {
  if (error instanceof NotAFileError) return `it is ${FILE_KIND_WORDS[error.kind]}, not a file`;
  if (error instanceof FileSystemError) return systemErrorReason(error.systemCode);
  const code = systemErrorCode(error);
  if (code) return systemErrorReason(code);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Summarise the newest valid `datasets/<templateId>/narrative_*.json` for a
 * snapshot. Newest is by file name (the exports carry their time in it). A newer
 * file that cannot be read or is not a JSON object is skipped with a warning, so
 * it cannot hide an older valid one. Returns null when there is no valid file.
 */
export function loadLatestNarrative(
  datasetsDir: string,
  templateId: string,
  given: LoadNarrativeOptions = {},
): NarrativeSummary | null {
  parseInput(NonEmptyText, datasetsDir, 'datasetsDir', 'read');
  parseInput(NonEmptyText, templateId, 'templateId', 'read');
  const options = parseOptions(LoadNarrativeOptionsSchema, given, {
    operation: 'read',
  }) as LoadNarrativeOptions;
  const warn = options.onWarning ?? (() => {});
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(datasetsDir);
  } catch (error) {
    warn(`cannot read the datasets folder ${datasetsDir}: ${why(error)}; no narrative is shown`);
    return null;
  }
  if (!stat.isDirectory()) {
    warn(`the datasets folder ${datasetsDir} is not a folder; no narrative is shown`);
    return null;
  }
  const folder = path.join(datasetsDir, templateId);
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch (error) {
    warn(
      systemErrorCode(error) === 'ENOENT'
        ? `no narrative export for template "${templateId}": ${folder} does not exist`
        : `cannot read ${folder}: ${why(error)}; no narrative is shown`,
    );
    return null;
  }
  const candidates = names
    .filter((name) => /^narrative_.*\.json$/.test(name))
    .sort()
    .reverse();
  if (candidates.length === 0) {
    warn(`no narrative export for template "${templateId}": no narrative_*.json in ${folder}`);
    return null;
  }
  for (const name of candidates) {
    const file = path.join(folder, name);
    let json: unknown;
    try {
      // Not fs.readFileSync: a named pipe there would block it forever.
      json = JSON.parse(readRegularFile(file, 'cannot read').toString('utf8'));
    } catch (error) {
      warn(`skipped ${file}: ${why(error)}`);
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      warn(`skipped ${file}: not a JSON object`);
      continue;
    }
    return summarizeNarrative(path.relative(datasetsDir, file), json);
  }
  return null;
}
