import { once } from 'node:events';
import fs from 'node:fs';
import { type OtlpSpan, otlpSpan, otlpTraceRequest } from '@runmeta/core/otlp';
import { openRunDatabase } from '@runmeta/node-sqlite';

// #region dump
// Dump: one JSON line per run, with its mechanisms, resolutions and validations.
const source = await openRunDatabase('metadata/runs.db', { readOnly: true });
const out = fs.createWriteStream('dump.jsonl');
for await (const run of source.iterateRuns({}, { withChildren: true })) {
  if (!out.write(`${JSON.stringify(run)}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');

// Restore: every line is checked first, then all runs are written in one
// transaction (an ImportLineError names a bad line; nothing is written then).
const copy = await openRunDatabase('copy/runs.db');
const result = await copy.importRuns(() => fs.createReadStream('dump.jsonl'));
console.log(`${result.runs} runs, ${result.rows.mechanisms} mechanism events imported`);
await copy.close();
// #endregion dump

// #region otlp
// OpenTelemetry: each run a span, 100 spans a request, POSTed to a receiver.
let spans: OtlpSpan[] = [];
const send = async () => {
  const response = await fetch('http://localhost:4318/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(otlpTraceRequest(spans)),
  });
  if (!response.ok) throw new Error(`the receiver said ${response.status}`);
  spans = [];
};
for await (const run of source.iterateRuns({}, { withChildren: true })) {
  const span = otlpSpan(run);
  if (span) spans.push(span);
  if (spans.length === 100) await send();
}
if (spans.length) await send();
await source.close();
// #endregion otlp
