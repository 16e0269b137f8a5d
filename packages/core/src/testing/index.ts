/**
 * `@runmeta/core/testing` — the adapter conformance suite and test helpers.
 *
 * @packageDocumentation
 */
export { type ConformanceOptions, describeAdapterConformance } from './conformance.js';
export { type CountingAdapter, countingAdapter } from './counting-adapter.js';
