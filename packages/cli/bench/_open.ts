import path from 'node:path';
import { MetadataManager } from '@runmeta/core';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';

const file = process.argv[2]!;
const adapter = createNodeSqliteAdapter({ directory: path.dirname(file) });
for (let i = 0; i < 3; i++) {
  const s = performance.now();
  const m = await MetadataManager.open({ adapter, database: path.basename(file), readOnly: true });
  console.log('open', (performance.now() - s).toFixed(1));
  await m.close();
}
