import path from 'node:path';
import { findLeftovers, MetadataManager } from '@runmeta/core';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';

const file = process.argv[2]!;
const t = () => performance.now();
let s = t();
const adapter = createNodeSqliteAdapter({ directory: path.dirname(file) });
const lap = (label: string) => {
  const n = t();
  console.log(label.padEnd(20), (n - s).toFixed(1), 'ms');
  s = n;
};
await findLeftovers(adapter, path.basename(file));
lap('leftovers');
const m = await MetadataManager.open({ adapter, database: path.basename(file), readOnly: true });
lap('open');
const st = m.detection.runsColumns.length;
lap('detection');
const k = ['running', 'completed', 'failed'];
const r1 = await m.query(
  `SELECT CASE WHEN lower(trim(status)) IN (?,?,?) THEN lower(trim(status)) ELSE status END AS status, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1`,
  k,
);
lap('counts (today)');
const r2 = await m.query(`SELECT status, count(*) AS n FROM runs GROUP BY status`);
lap('counts (raw group)');
const r3 = await m.query(`SELECT count(*) AS n FROM runs`);
lap('count(*)');
await m.archiveName();
lap('archiveName');
console.log(r1, r2, r3);
await m.close();
lap('close');
