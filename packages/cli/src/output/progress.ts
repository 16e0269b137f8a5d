import type { MigrationProgress } from '@runmeta/core';

/**
 * A one-line progress bar on stderr. It draws only when enabled (stderr is a TTY
 * and output is not JSON): pipes and `--json` never see it.
 */
export function createProgress(label: string, stream: NodeJS.WritableStream, enabled: boolean) {
  let drawn = false;
  return {
    update(p: MigrationProgress | { step: string; done?: number; total?: number; table?: string }) {
      if (!enabled) return;
      const width = 24;
      const ratio = p.total ? Math.min(1, (p.done ?? 0) / p.total) : 0;
      // Without a total (a dump's lines, an archive's runs): how far it got, as a count.
      const bar = p.total
        ? `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${Math.round(ratio * 100)}%`
        : p.done !== undefined
          ? p.done.toLocaleString('en-US')
          : '';
      stream.write(`\r\u001b[2K${label}: ${p.step}${p.table ? ` ${p.table}` : ''} ${bar}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
