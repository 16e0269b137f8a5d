/**
 * `@runmeta/core/demo` — the demo database behind `runmeta demo` and the docs
 * playground: a seeded, realistic v1 run database migrated to v2, plus v2 runs
 * recorded through the SDK. Deterministic: the same every time.
 *
 * @packageDocumentation
 */

export {
  buildDemoDatabase,
  DEMO_TEMPLATES,
  type DemoDatabase,
  recordDemoV2Runs,
  seededRandom,
  writeSyntheticV1,
} from './demo-data.js';
