/**
 * `@runmeta/core/testing` — the adapter conformance suite and test helpers.
 *
 * @packageDocumentation
 */
export {
  CONFORMANCE_CASES,
  type ConformanceCase,
  type ConformanceOptions,
  describeAdapterConformance,
} from './conformance/suite.js';
export { type CountingAdapter, countingAdapter } from './counting-adapter.js';
