// The fixture helpers are shared by every package's tests.
export { fixturesDir, loadFixtures } from '../../../test-support/legacy-fixtures.js';
