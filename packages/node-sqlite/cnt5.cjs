const D = require('better-sqlite3');
const db = new D(process.argv[2], { readonly: true });
if (process.argv[3]) db.pragma(process.argv[3]);
const s = db.prepare('SELECT count(*) AS n FROM "runs"');
const t = performance.now();
s.get();
console.log('count', (performance.now() - t).toFixed(1));
