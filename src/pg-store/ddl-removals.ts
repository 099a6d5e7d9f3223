/**
 * Migration 7 (D125): `removal_candidates`, the SQLite table of confirmed removals (D85, D86, D87) in
 * Postgres types, and the two checkpoint columns PMP_PAGE_SIZE=auto keeps (D126). One statement per
 * string; ADD COLUMN IF NOT EXISTS so a schema that somehow has them already is left as it is.
 */
import type { QuotedSchema } from './names.ts';

export function createRemovalCandidates(s: QuotedSchema): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.removal_candidates (
    snapshot_id BIGINT NOT NULL REFERENCES ${s}.snapshots (snapshot_id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    previous_snapshot_id BIGINT NOT NULL,
    previous_page INTEGER,
    state TEXT NOT NULL CHECK (state IN ('pending', 'present', 'removed', 'unknown')),
    reason TEXT CHECK (reason IN ('lost_gap', 'lookup_failed', 'answer_unusable')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (snapshot_id, resource_id)
)`,
    `CREATE INDEX IF NOT EXISTS idx_removal_candidates_state ON ${s}.removal_candidates (snapshot_id, state)`,
  ];
}
