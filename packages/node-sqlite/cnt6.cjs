const D = require('better-sqlite3');
const db = new D(process.argv[2], { readonly: true });
if (process.argv[3]) db.pragma(process.argv[3]);
for (const t of ['runs', 'mechanism_usage', 'resolution_assignments', 'validations']) {
  const s = performance.now();
  db.prepare(`SELECT count(*) AS n FROM "${t}"`).get();
  console.log(t, (performance.now() - s).toFixed(1));
}
