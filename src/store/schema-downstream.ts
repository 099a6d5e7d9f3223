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

/** The 16 downstream indexes; created after any missing column has been added to a legacy table. */
export const CREATE_SYSTEMS_INDEXES = `
CREATE INDEX IF NOT EXISTS idx_systems_resource_id ON systems(resource_id);
CREATE INDEX IF NOT EXISTS idx_systems_resource_name ON systems(resource_name);
CREATE INDEX IF NOT EXISTS idx_systems_ip_address ON systems(ip_address);
CREATE INDEX IF NOT EXISTS idx_systems_branch_office_name ON systems(branch_office_name);
CREATE INDEX IF NOT EXISTS idx_systems_domain ON systems(domain_netbios_name);
CREATE INDEX IF NOT EXISTS idx_systems_customer_id ON systems(customer_id);
CREATE INDEX IF NOT EXISTS idx_systems_health_status ON systems(resource_health_status);
CREATE INDEX IF NOT EXISTS idx_systems_computer_live_status ON systems(computer_live_status);
CREATE INDEX IF NOT EXISTS idx_systems_scan_status ON systems(scan_status);
CREATE INDEX IF NOT EXISTS idx_systems_os_platform_name ON systems(os_platform_name);
CREATE INDEX IF NOT EXISTS idx_systems_os_name ON systems(os_name);
CREATE INDEX IF NOT EXISTS idx_systems_last_scan_time ON systems(last_scan_time);
CREATE INDEX IF NOT EXISTS idx_systems_agent_last_contact ON systems(agent_last_contact_time);
CREATE INDEX IF NOT EXISTS idx_systems_snapshot_id ON systems(snapshot_id);
CREATE INDEX IF NOT EXISTS idx_systems_branch_health ON systems(branch_office_name, resource_health_status);
CREATE INDEX IF NOT EXISTS idx_systems_os_platform ON systems(os_platform_name, resource_health_status);
`;

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
