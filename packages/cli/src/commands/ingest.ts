/**
 * `ingest`: a whole pipeline's events as JSON lines on stdin, written by one
 * process (SPEC §10). A process per event (`runmeta record …`) costs about
 * 0.3 s each in start-up; here the events are committed in small groups.
 */
import { INGEST_DEFAULTS, INGEST_EVENTS } from '@runmeta/core/constants';
import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

const EVENTS = Object.keys(INGEST_EVENTS).join(', ');
const METHODS = Object.values(INGEST_EVENTS).join(', ');
const { groupSize, idleMs, maxDelayMs } = INGEST_DEFAULTS;

export const ingest: CommandSpec = {
  name: 'ingest',
  summary: "Record a pipeline's events from JSON lines on stdin, in one process",
  description: [
    'Reads one JSON object per line on stdin until the end of the input and records it.',
    `The field "event" says which write (${EVENTS}: the SDK's ${METHODS}), "runId" which run,`,
    'and the other fields are the camelCase inputs of that SDK method (templateId, causalMode, tokenBudget;',
    'mechanism, functionName, context; entityId, resolution, timepointId; validatorName, passed, violations;',
    'entitiesCreated, timepointsCreated, costUsd, tokensUsed...). Lines are validated like SDK calls; blank lines are skipped.',
    'Events are committed in small groups: the events of one run that follow each other in one transaction,',
    `committed when the run changes, at a start or complete, every ${groupSize} events, when the input pauses for ${idleMs} ms,`,
    `at the latest ${maxDelayMs} ms after they were read, and at the end of the input.`,
    'A bad line (not JSON, an unknown event, an invalid field, an unknown or finished run) stops the ingestion',
    'with exit 2 and one line on stderr naming its number; every line before it is committed, so the lines',
    'from it on can be sent again. With --json, each committed line is acknowledged on stdout as one JSON object',
    'per line, in input order: {"line":3,"event":"mechanism","runId":"r1"}. Without --json, one summary',
    'line ("ingested 130 events from 131 lines") is printed at the end.',
  ].join(' '),
  printsData: true,
  examples: [
    {
      command: `echo '{"event":"start","runId":"r1","templateId":"board_meeting","causalMode":"directorial"}' | runmeta ingest`,
      description: 'one event',
    },
    {
      command: 'python pipeline.py | runmeta --db metadata/runs.db ingest',
      description: "a pipeline's events, as it runs",
    },
    {
      command: 'runmeta ingest --json < events.jsonl > acks.jsonl',
      description: 'acknowledge each committed line',
    },
  ],
  run: lazy(() => import('../actions/ingest.js')),
};
