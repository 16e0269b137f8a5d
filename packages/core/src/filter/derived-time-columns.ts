/**
 * A run's creation and last-update times, as runmeta orders, filters and shows
 * them (SPEC §3): created is created_at, else started_at; updated is
 * updated_at, else completed_at. A file migrated from v1 has started_at and
 * completed_at alone. Declared once, without imports, so pages showing runs
 * (`@runmeta/core/constants`) derive the same times as the SQL does.
 */
export const DERIVED_TIMES = {
  created: ['created_at', 'started_at'],
  updated: ['updated_at', 'completed_at'],
} as const satisfies Record<string, readonly string[]>;

/** A derived time's name: `created` or `updated`. */
export type DerivedTime = keyof typeof DERIVED_TIMES;
