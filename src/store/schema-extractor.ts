/**
 * DDL of the extractor's own tables: `extraction_checkpoints` and `extraction_gaps` exactly as the
 * D7 lists them, followed by our extra columns, and the token-request log. The extra
 * columns are also listed in EXTRA_COLUMNS so they can be added to tables a predecessor created.
 */
export const CREATE_CHECKPOINTS = `
CREATE TABLE IF NOT EXISTS extraction_checkpoints (
    checkpoint_id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_id INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    systems_extracted INTEGER NOT NULL,
    coverage_pct REAL NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    total_systems INTEGER,
    total_pages INTEGER,
    page_limit INTEGER,
    pass_complete INTEGER NOT NULL DEFAULT 0,
    previous_coverage_pct REAL,
    written_by TEXT,
    UNIQUE(snapshot_id)
);
CREATE INDEX IF NOT EXISTS idx_checkpoints_snapshot ON extraction_checkpoints(snapshot_id);
`;

export const CREATE_GAPS = `
CREATE TABLE IF NOT EXISTS extraction_gaps (
    gap_id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_id INTEGER NOT NULL,
    page_num INTEGER NOT NULL,
    error_type TEXT NOT NULL,
    error_message TEXT,
    response_sample TEXT,
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    retry_sweeps INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    resolved_at TEXT,
    updated_at TIMESTAMP,
    UNIQUE(snapshot_id, page_num)
);
CREATE INDEX IF NOT EXISTS idx_gaps_snapshot ON extraction_gaps(snapshot_id);
`;

/**
 * Zoho allows 10 token requests per refresh token per 10 minutes; each request is logged here so the
 * budget holds across cron runs. Rows older than a day are pruned on insert.
 */
export const CREATE_TOKEN_REQUESTS = `
CREATE TABLE IF NOT EXISTS token_requests (
    requested_at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_token_requests_time ON token_requests(requested_at_ms);
`;

/** Marks checkpoint rows this tool wrote: a predecessor's rows in the same table are not ours to resume. */
export const CHECKPOINT_WRITER = 'pmp-extractor';

/**
 * Columns beyond D7's checkpoint/gap columns / the downstream schema, as `ALTER TABLE ADD COLUMN` declarations. SQLite only
 * accepts constant defaults there, so NOT NULL columns carry one.
 */
export const EXTRA_COLUMNS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  extraction_checkpoints: [
    ['total_systems', 'INTEGER'],
    ['total_pages', 'INTEGER'],
    ['page_limit', 'INTEGER'],
    ['pass_complete', 'INTEGER NOT NULL DEFAULT 0'],
    ['previous_coverage_pct', 'REAL'],
    ['written_by', 'TEXT'],
  ],
  extraction_gaps: [
    ['response_sample', 'TEXT'],
    ['retry_sweeps', 'INTEGER NOT NULL DEFAULT 0'],
    ['resolved', 'INTEGER NOT NULL DEFAULT 0'],
    ['resolved_at', 'TEXT'],
    ['updated_at', 'TIMESTAMP'],
  ],
};

/** Migration 8 (D74): what PMP_PAGE_SIZE=auto settled for the pass, so its next run does not probe. */
export const PAGE_SIZE_COLUMNS: readonly (readonly [string, string])[] = [
  ['probed_page_size', 'INTEGER'],
  ['page_size_fallback', 'TEXT'],
];

/**
 * How the newest extraction run ended, one row (id 1), overwritten at the end of every run: what
 * `--status --json` shows as `last_run` and what `--status --check` alerts on. finished_at is UTC
 * text like every time we write; reason is an error code or defer reason, null after a success.
 */
export const CREATE_LAST_RUN = `
CREATE TABLE IF NOT EXISTS extraction_last_run (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    exit_code INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    snapshot_id INTEGER,
    finished_at TEXT NOT NULL
);
`;

/**
 * Raw records, packed per page (D70, raw-parts.ts): one row per (snapshot, page, part). A page read
 * again replaces its parts; rows of that page that the new read did not return are carried over.
 */
export const CREATE_RAW_PARTS = `
CREATE TABLE IF NOT EXISTS system_raw_parts (
    snapshot_id INTEGER NOT NULL,
    page_num INTEGER NOT NULL,
    part INTEGER NOT NULL,
    raw_size INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (snapshot_id, page_num, part),
    FOREIGN KEY (snapshot_id) REFERENCES snapshots(snapshot_id) ON DELETE CASCADE
);`;

/** Where a row's raw record is; systems.raw_json stays as a column, NULL for packed rows. */
export const RAW_REF_COLUMNS: readonly (readonly [string, string])[] = [
  ['raw_part', 'INTEGER'],
  ['raw_offset', 'INTEGER'],
  ['raw_length', 'INTEGER'],
];

/**
 * Every row's record as received. sqlar_uncompress is built into the sqlite3 shell (and registered
 * by this tool on its own connections); other SQLite clients register it themselves (README).
 */
export const CREATE_RAW_JSON_VIEW = `
CREATE VIEW IF NOT EXISTS system_raw_json AS
SELECT s.system_id, s.snapshot_id, s.resource_id, s.source_page,
${rawJsonFrom('systems')};`;

/**
 * `raw_json` of each row `s` of `table` (systems, or pending_systems for the pass in progress, D134),
 * from its page's part: the select list's last item and the FROM clause, as the view reads them.
 */
export function rawJsonFrom(table: 'systems' | 'pending_systems'): string {
  return `    COALESCE(s.raw_json, CAST(substr(sqlar_uncompress(p.data, p.raw_size), s.raw_offset + 1, s.raw_length)
        AS TEXT)) AS raw_json
FROM ${table} s
LEFT JOIN system_raw_parts p
    ON p.snapshot_id = s.snapshot_id AND p.page_num = s.source_page AND p.part = s.raw_part`;
}

/**
 * Confirmed removals (D85, D86): the systems of the previous published snapshot that this pass did not
 * return, one row per (snapshot, resource_id), written when the pass is about to close. `state`:
 * pending (to be looked up by id), present (the lookup returned it: stored in this snapshot with
 * source_page 0), removed (the lookup answered an empty list: confirmed gone), unknown (`reason`
 * lost_gap: its previous page is a page this pass lost, never looked up; lookup_failed: every attempt
 * failed; answer_unusable: the answer neither held it nor was empty; the last two are carried over,
 * D87). `previous_page` is its source_page in `previous_snapshot_id`; `attempts` counts lookup attempts.
 */
export const CREATE_REMOVAL_CANDIDATES = `
CREATE TABLE IF NOT EXISTS removal_candidates (
    snapshot_id INTEGER NOT NULL,
    resource_id TEXT NOT NULL,
    previous_snapshot_id INTEGER NOT NULL,
    previous_page INTEGER,
    state TEXT NOT NULL CHECK (state IN ('pending', 'present', 'removed', 'unknown')),
    reason TEXT CHECK (reason IN ('lost_gap', 'lookup_failed', 'answer_unusable')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, resource_id),
    FOREIGN KEY (snapshot_id) REFERENCES snapshots(snapshot_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_removal_candidates_state ON removal_candidates(snapshot_id, state);
`;
