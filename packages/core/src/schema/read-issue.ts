/**
 * What lenient reading reports about a stored value it could not take as is.
 * Records and decoded runs carry these, so the type sits with the schemas.
 */
import type { SqlValue } from '../sql/values.js';

/** Something odd found while reading a value; the raw value is kept here so nothing is lost. */
export interface ReadIssue {
  column: string;
  kind: 'unknown_enum' | 'invalid_json' | 'invalid_type';
  raw: SqlValue;
}
