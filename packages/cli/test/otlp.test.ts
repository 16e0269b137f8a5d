/**
 * `runmeta export --format otlp` as a real process: every shared fixture's runs
 * as OTLP/JSON that the official protobuf definitions decode, one span per run
 * with its child records as events (counted with plain better-sqlite3), failed
 * runs as errors, ids the same on every export; and sending to a local OTLP/HTTP
 * receiver on 127.0.0.1 that decodes what it gets, with retries on 503 and clear
 * refusals otherwise.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  plainAll,
  removeDir,
  runCli,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';
import { attribute, type DecodedSpan, decodeLines, decodeRequest } from './otlp-decode.js';

const temp = makeTempDir('cli-otlp');
afterAll(() => removeDir(temp));
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: temp, env });

/** Runs with their child row counts, status and error, from a plain connection. */
const PER_RUN = `SELECT r.run_id, r.status, r.error_message,
  (SELECT count(*) FROM mechanism_usage m WHERE m.run_id = r.run_id)
  + (SELECT count(*) FROM resolution_assignments a WHERE a.run_id = r.run_id)
  + (SELECT count(*) FROM validations v WHERE v.run_id = r.run_id) AS events
  FROM runs r ORDER BY r.run_id`;

/** A carried-over copy of a fixture (every run in the active database). */
async function carriedOver(fixture: string): Promise<string> {
  const file = copyFixture(fixture, path.join(temp, `${fixture}-${Math.random()}`));
  const migrated = await cli(['--db', file, 'migrate', '--strategy', 'carry-over', '--yes']);
  expect(migrated.code, migrated.stderr).toBe(0);
  return file;
}

/** A local OTLP/HTTP receiver: answers the statuses queued, then 200; decodes every accepted body. */
async function receiver(queue: { status: number; body?: string; retryAfter?: string }[] = []) {
  const spans: DecodedSpan[] = [];
  const seen: { status: number; authorization?: string | undefined; path?: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = queue.shift() ?? { status: 200 };
      seen.push({
        status: answer.status,
        authorization: request.headers.authorization,
        path: request.url,
      });
      if (answer.status === 200) {
        expect(request.headers['content-type']).toBe('application/json');
        spans.push(...decodeRequest(Buffer.concat(chunks).toString('utf8')));
      }
      if (answer.retryAfter) response.setHeader('retry-after', answer.retryAfter);
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('runmeta export --format otlp', () => {
  for (const fixture of [V1_18, V1_20, V2_32]) {
    it(`${fixture}: one decodable span per run, its child records as events, the same bytes every time`, async () => {
      const file = await carriedOver(fixture);
      const out = path.join(path.dirname(file), 'traces.jsonl');
      const first = await cli(['--db', file, 'export', '--format', 'otlp', '--out', out]);
      expect(first.code, first.stderr).toBe(0);
      const { requests, spans } = decodeLines(fs.readFileSync(out, 'utf8'));
      const runs = plainAll(file, PER_RUN);
      expect(requests).toBe(Math.ceil(runs.length / 100));
      expect(spans).toHaveLength(runs.length);

      const byRun = new Map(spans.map((span) => [attribute(span, 'runmeta.run_id'), span]));
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(runs.length);
      for (const run of runs) {
        const span = byRun.get(run.run_id)!;
        expect(span, String(run.run_id)).toBeDefined();
        expect(span.events ?? []).toHaveLength(Number(run.events));
        expect(attribute(span, 'gen_ai.conversation.id')).toBe(run.run_id);
        expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
        // Events in time order, every one inside its span.
        const times = (span.events ?? []).map((e) => BigInt(e.timeUnixNano));
        expect(times.every((t, i) => i === 0 || times[i - 1]! <= t)).toBe(true);
        expect(
          times.every(
            (t) => t >= BigInt(span.startTimeUnixNano) && t <= BigInt(span.endTimeUnixNano),
          ),
        ).toBe(true);
        if (run.status === 'failed') {
          expect(span.status).toEqual({ code: 2, message: run.error_message ?? 'failed' });
          expect(attribute(span, 'error.type')).toBe('run_failed');
        } else if (run.status === 'completed') {
          expect(span.status).toEqual({ code: 1 });
        }
      }

      const again = await cli(['--db', file, 'export', '--format', 'otlp']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe(fs.readFileSync(out, 'utf8'));
    });
  }

  it('sends every run to an OTLP receiver, retrying a 503, with the headers given', async () => {
    const file = await carriedOver(V1_20);
    const server = await receiver([
      { status: 503, retryAfter: '0' },
      { status: 200, body: '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}' },
    ]);
    try {
      const sent = await cli(
        // The receiver's address alone: its traces path is added.
        [
          '--db',
          file,
          'export',
          '--format',
          'otlp',
          '--endpoint',
          server.url.replace('/v1/traces', ''),
        ],
        { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cHVi' },
      );
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.stdout).toBe('');
      expect(sent.stderr).toMatch(/answered HTTP 503; trying again/);
      expect(sent.stderr).toMatch(/rejected 2 span\(s\) of a request: too old/);
      expect(sent.stderr).toMatch(
        /393 run\(s\) sent to .* in 4 request\(s\) \(the receiver rejected 2 of them\)/,
      );
      expect(server.spans).toHaveLength(plainAll(file, PER_RUN).length);
      expect(server.seen.map((s) => s.status)).toEqual([503, 200, 200, 200, 200]);
      expect(new Set(server.seen.map((s) => s.authorization))).toEqual(new Set(['Basic cHVi']));
      expect(new Set(server.seen.map((s) => s.path))).toEqual(new Set(['/v1/traces']));
    } finally {
      await server.close();
    }
  });

  it('stops with the receiver’s words when it refuses, and names a receiver it cannot reach', async () => {
    const file = await carriedOver(V1_18);
    const server = await receiver([{ status: 400, body: '{"message":"bad span"}' }]);
    try {
      const refused = await cli([
        '--db',
        file,
        'export',
        '--format',
        'otlp',
        '--endpoint',
        server.url,
      ]);
      expectOneErrorLine(refused, 2);
      expect(refused.stderr).toMatch(/refused the spans: HTTP 400 \{"message":"bad span"\}/);
    } finally {
      await server.close();
    }
    const closed = await receiver();
    const url = closed.url;
    await closed.close();
    const unreachable = await cli(['--db', file, 'export', '--format', 'otlp', '--endpoint', url]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stdout).toBe('');
    // Tried again as OTLP asks (a receiver may be restarting), then one error line.
    expect(
      unreachable.stderr.match(/could not be reached \(ECONNREFUSED\); trying again/g),
    ).toHaveLength(4);
    expect(unreachable.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: cannot reach the OTLP receiver .*ECONNREFUSED, 5 attempts.*--endpoint/,
    );
  });

  it('says which flags go with otlp', async () => {
    const jsonl = await cli(['export', '--endpoint', 'http://127.0.0.1:4318/v1/traces']);
    expectOneErrorLine(jsonl, 2);
    expect(jsonl.stderr).toMatch(/--endpoint goes with --format otlp/);
    const header = await cli(['export', '--format', 'otlp', '--header', 'a=b']);
    expectOneErrorLine(header, 2);
    expect(header.stderr).toMatch(/--header goes with --endpoint/);
    const badUrl = await cli(['export', '--format', 'otlp', '--endpoint', 'localhost:4318']);
    expectOneErrorLine(badUrl, 2);
    expect(badUrl.stderr).toMatch(/http:\/\/ or https:\/\//);
  });
});
