/** Worker-side helpers, shared by every package's process tests. */
export * from '../../../../test-support/worker-side.js';
