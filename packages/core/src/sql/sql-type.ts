/**
 * The declared column types runmeta's own tables use. Each dialect maps them to
 * its backend's type names (`BIGINT`, `DOUBLE PRECISION` on PostgreSQL).
 */

/** SQL declared types used by runmeta. */
export type SqlType = 'TEXT' | 'INTEGER' | 'REAL' | 'TIMESTAMP' | 'BOOLEAN';
