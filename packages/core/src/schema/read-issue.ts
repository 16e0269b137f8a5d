/**
 * What lenient reading reports about a stored value it could not take as is.
 * Records and decoded runs carry these, so the type sits with the schemas.
 */
import type { SqlValue } from '../sql/values.js';

/** Something odd found while reading a value; the raw value is kept here so nothing is lost. */
export interface ReadIssue {
  column: string;
  /**
   * `normalised` (dumps only: `iterateRuns` with `withChildren`): the value reads
   * fine, but writing it back would store other text — an enum in another case,
   * distribution keys that fold together, JSON whose content a read changes — so
   * a dump keeps the stored value here and an import stores it back.
   */
  kind: 'unknown_enum' | 'invalid_json' | 'invalid_type' | 'normalised';
  raw: SqlValue;
}
