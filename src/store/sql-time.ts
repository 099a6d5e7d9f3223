/**
 * Times the store writes. They are UTC in SQLite's own text form with milliseconds
 * (`2026-11-26 10:15:00.123`), the ISO-8601 profile that CURRENT_TIMESTAMP produces, so rows we write
 * sort and compare correctly against rows the legacy tooling writes into the same `snapshots` and
 * `systems` tables (their dashboards ORDER BY and compare these columns as text).
 */
export function toSqlTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Epoch ms of a stored time: our form, CURRENT_TIMESTAMP's (`YYYY-MM-DD HH:MM:SS`, UTC) or a full
 * ISO string with a zone. Null for a missing or unreadable value.
 */
export function parseSqlTime(text: string | null): number | null {
  if (text === null || text === '') return null;
  const iso = text.includes('T') ? text : text.replace(' ', 'T');
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/.test(iso);
  const ms = Date.parse(hasZone ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? null : ms;
}
