/**
 * DDL of the tables the existing PMP tooling and its dashboards share with us (D7):
 * `snapshots` from pmp_db_schema.sql and `systems` from pmp_enhanced_schema.sql, with the same names,
 * types, keys and indexes, plus our additive `raw_json` / `source_page` columns. Every statement is
 * idempotent: the legacy tooling may have created any of these objects already.
 */
export const CREATE_SNAPSHOTS = `
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp DATETIME DEFAULT CURRENT_TIMESTAMP,
    api_version TEXT DEFAULT '1.4',
    extraction_duration_ms INTEGER,
    status TEXT CHECK(status IN ('success', 'partial', 'failed')) DEFAULT 'success',
    error_message TEXT,
    CONSTRAINT chk_duration CHECK (extraction_duration_ms >= 0)
);
CREATE INDEX IF NOT EXISTS idx_snapshot_timestamp ON snapshots(timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_snapshot_status ON snapshots(status);
CREATE INDEX IF NOT EXISTS idx_snapshot_timestamp_status ON snapshots(timestamp DESC, status);
`;

export const CREATE_SYSTEMS = `
CREATE TABLE IF NOT EXISTS systems (
    system_id INTEGER PRIMARY KEY AUTOINCREMENT,
    snapshot_id INTEGER NOT NULL,
    resource_id TEXT NOT NULL,
    resource_id_string TEXT,
    resource_name TEXT NOT NULL,
    ip_address TEXT,
    mac_address TEXT,
    domain_netbios_name TEXT,
    branch_office_id TEXT,
    branch_office_name TEXT NOT NULL,
    customer_id TEXT,
    os_name TEXT,
    os_platform INTEGER,
    os_platform_name TEXT,
    os_platform_id INTEGER,
    osflavor_id INTEGER,
    os_language INTEGER,
    os_language_abbr TEXT,
    service_pack TEXT,
    agent_version TEXT,
    agent_installed_on INTEGER,
    agent_installed_dir TEXT,
    agent_last_contact_time INTEGER,
    agent_last_bootup_time INTEGER,
    agent_last_ds_contact_time INTEGER,
    agent_logged_on_users TEXT,
    computer_live_status INTEGER,
    computer_status_update_time INTEGER,
    installation_status INTEGER,
    last_scan_time INTEGER,
    last_successful_scan INTEGER,
    last_sync_time INTEGER,
    scan_status INTEGER,
    patch_scan_error_code TEXT,
    scan_remarks TEXT,
    scan_remarks_args TEXT,
    resource_health_status INTEGER,
    patch_status_image TEXT,
    patch_status_label TEXT,
    status_label TEXT,
    description TEXT,
    location TEXT,
    owner TEXT,
    owner_email_id TEXT,
    search_tag TEXT,
    error_kb_url TEXT,
    branchmemberresourcerel_resource_id TEXT,
    branchofficedetails_branch_office_id TEXT,
    patchclientscanerror_resource_id TEXT,
    patchmgmtosinfo_resource_id TEXT,
    pmreshealthstatus_resource_id TEXT,
    oslanguage_i18n TEXT,
    oslanguage_languageid INTEGER,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    raw_json TEXT,
    source_page INTEGER,
    FOREIGN KEY (snapshot_id) REFERENCES snapshots(snapshot_id) ON DELETE CASCADE,
    CONSTRAINT chk_health_status CHECK (resource_health_status IN (0, 1, 2, 3)),
    CONSTRAINT unique_system_per_snapshot UNIQUE (snapshot_id, resource_id)
);`;

/**
 * The 16 downstream indexes of `systems`, as [name suffix, columns]: `idx_systems_<suffix>`. Both
 * stores create them from this list (PostgreSQL in its own schema, D97).
 */
export const SYSTEM_INDEXES: readonly (readonly [string, string])[] = [
  ['resource_id', 'resource_id'],
  ['resource_name', 'resource_name'],
  ['ip_address', 'ip_address'],
  ['branch_office_name', 'branch_office_name'],
  ['domain', 'domain_netbios_name'],
  ['customer_id', 'customer_id'],
  ['health_status', 'resource_health_status'],
  ['computer_live_status', 'computer_live_status'],
  ['scan_status', 'scan_status'],
  ['os_platform_name', 'os_platform_name'],
  ['os_name', 'os_name'],
  ['last_scan_time', 'last_scan_time'],
  ['agent_last_contact', 'agent_last_contact_time'],
  ['snapshot_id', 'snapshot_id'],
  ['branch_health', 'branch_office_name, resource_health_status'],
  ['os_platform', 'os_platform_name, resource_health_status'],
];

/** The downstream indexes in SQLite; created after any missing column has been added to a legacy table. */
export const CREATE_SYSTEMS_INDEXES = SYSTEM_INDEXES.map(
  ([name, columns]) => `CREATE INDEX IF NOT EXISTS idx_systems_${name} ON systems(${columns});`,
).join('\n');

/** Systems of the newest `success` snapshot; `s.*` is expanded when read, so added columns show. */
export const CREATE_LATEST_INVENTORY_VIEW = `
CREATE VIEW IF NOT EXISTS latest_system_inventory AS
SELECT s.*
FROM systems s
INNER JOIN (
    SELECT MAX(snapshot_id) AS latest_snapshot_id FROM snapshots WHERE status = 'success'
) latest ON s.snapshot_id = latest.latest_snapshot_id;`;

export const CREATE_SCHEMA_VERSION = `
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    description TEXT
);`;
