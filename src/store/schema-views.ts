/**
 * The dashboard views (D81): the names and leading columns the existing PMP tooling reads beside
 * `latest_system_inventory`, each built on that view so that what "published" means is decided in one
 * place (D7). Our additions come after the legacy columns. Every statement is CREATE VIEW IF NOT
 * EXISTS: a view of that name already in the file (the legacy tooling's, or a user's) is left alone.
 * Only SQL that SQLite 3.8.3 (2014) parses: dashboards read these views with their own, older SQLite.
 */

/**
 * D82: `server` when os_name says so (any platform), `workstation` for other Windows and Mac systems
 * with an os_name, `unknown` otherwise (Linux names do not tell a server from a desktop). LIKE is
 * case-insensitive for ASCII.
 */
const DEVICE_ROLE = `CASE
        WHEN s.os_name LIKE '%server%' THEN 'server'
        WHEN s.os_name IS NOT NULL AND (s.os_platform IN (1, 2) OR s.os_platform_name IN ('Windows', 'Mac'))
            THEN 'workstation'
        ELSE 'unknown'
    END`;

/** Every column of the published inventory, plus device_role and the name of each status code. */
const LATEST_SYSTEM_DETAILS = `
CREATE VIEW IF NOT EXISTS latest_system_details AS
SELECT s.*,
    ${DEVICE_ROLE} AS device_role,
    health.name AS health_status_name,
    live.name AS live_status_name,
    scan.name AS scan_status_name,
    install.name AS installation_status_name,
    platform.name AS os_platform_label
FROM latest_system_inventory s
LEFT JOIN resource_health_status_codes health ON health.code = s.resource_health_status
LEFT JOIN computer_live_status_codes live ON live.code = s.computer_live_status
LEFT JOIN scan_status_codes scan ON scan.code = s.scan_status
LEFT JOIN installation_status_codes install ON install.code = s.installation_status
LEFT JOIN os_platform_codes platform ON platform.code = s.os_platform;`;

/** 1 when `condition` holds, else 0: summed, it counts the rows where it holds. */
function countWhere(condition: string): string {
  return `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
}

/** Percent of the group's rows where `condition` holds, 2 decimals. */
function percentWhere(condition: string): string {
  return `ROUND(100.0 * ${countWhere(condition)} / COUNT(*), 2)`;
}

/** Offline is `computer_live_status = 2` (Down), not 0 as a comment of the legacy schema has it (D80). */
const ORGANIZATION_SUMMARY = `
CREATE VIEW IF NOT EXISTS organization_summary AS
SELECT
    branch_office_name AS organization,
    COUNT(*) AS total_systems,
    ${countWhere('resource_health_status = 1')} AS healthy_systems,
    ${countWhere('resource_health_status = 2')} AS moderate_risk_systems,
    ${countWhere('resource_health_status = 3')} AS high_risk_systems,
    ${countWhere('resource_health_status = 0 OR resource_health_status IS NULL')} AS unknown_health_systems,
    ${countWhere('computer_live_status = 1')} AS online_systems,
    ${countWhere('computer_live_status = 2')} AS offline_systems,
    ${percentWhere('resource_health_status = 1')} AS healthy_percentage,
    ${percentWhere('resource_health_status = 3')} AS high_risk_percentage,
    ${countWhere("device_role = 'server'")} AS server_systems,
    ${countWhere("device_role = 'workstation'")} AS workstation_systems,
    ${countWhere("device_role = 'unknown'")} AS unknown_role_systems
FROM latest_system_details
GROUP BY branch_office_name
ORDER BY high_risk_percentage DESC, organization;`;

const OS_DISTRIBUTION = `
CREATE VIEW IF NOT EXISTS os_distribution AS
SELECT
    os_platform_name,
    os_name,
    COUNT(*) AS system_count,
    ${countWhere('resource_health_status = 3')} AS high_risk_count,
    ${percentWhere('resource_health_status = 3')} AS high_risk_percentage
FROM latest_system_inventory
GROUP BY os_platform_name, os_name
ORDER BY system_count DESC, os_platform_name, os_name;`;

const HIGH_RISK_SYSTEMS = `
CREATE VIEW IF NOT EXISTS high_risk_systems AS
SELECT
    resource_name, ip_address, branch_office_name AS organization, domain_netbios_name, os_name,
    last_scan_time, agent_last_contact_time, computer_live_status, scan_status,
    resource_id, device_role
FROM latest_system_details
WHERE resource_health_status = 3
ORDER BY branch_office_name, resource_name;`;

/** Now in epoch ms, as SQLite before 3.38 (no unixepoch()) can say it. */
const NOW_MS = "CAST(strftime('%s', 'now') AS INTEGER) * 1000";
const DAY_MS = 86_400_000;

/** No agent contact for more than 7 days, measured when the view is read (D81). */
const STALE_SYSTEMS = `
CREATE VIEW IF NOT EXISTS stale_systems AS
SELECT
    resource_name, ip_address, branch_office_name AS organization, agent_version,
    agent_last_contact_time, computer_live_status,
    ROUND((${NOW_MS} - agent_last_contact_time) / ${DAY_MS}.0, 1) AS days_since_contact,
    resource_id
FROM latest_system_inventory
WHERE agent_last_contact_time > 0 AND ${NOW_MS} - agent_last_contact_time > ${7 * DAY_MS}
ORDER BY days_since_contact DESC, resource_name;`;

/** 228 is a completed scan; every other code (failed, in progress, not scanned) is listed. */
const SCAN_FAILURES = `
CREATE VIEW IF NOT EXISTS scan_failures AS
SELECT
    resource_name, ip_address, branch_office_name AS organization, last_scan_time, scan_status,
    scan_remarks, patch_scan_error_code,
    scan_status_name, resource_id
FROM latest_system_details
WHERE scan_status <> 228
ORDER BY branch_office_name, resource_name;`;

/** A value is present when it is neither NULL nor the API's "--" (rows another tool wrote keep it). */
function present(column: string): string {
  return `${column} IS NOT NULL AND ${column} <> '--'`;
}

/** One row per metric, in this order; the last compares the snapshot with the `total` the API reported. */
const DATA_COVERAGE_REPORT = `
CREATE VIEW IF NOT EXISTS data_coverage_report AS
WITH t AS (
    SELECT COUNT(*) AS systems,
        COALESCE(${countWhere(present('ip_address'))}, 0) AS with_ip,
        COALESCE(${countWhere(present('mac_address'))}, 0) AS with_mac,
        COALESCE(${countWhere(present('domain_netbios_name'))}, 0) AS with_domain,
        COALESCE(${countWhere('resource_health_status > 0')}, 0) AS with_health,
        COALESCE(${countWhere('computer_live_status = 1')}, 0) AS online,
        MAX(snapshot_id) AS snapshot_id
    FROM latest_system_inventory
)
SELECT 'Total Systems' AS metric, systems AS count, '100%' AS coverage FROM t
UNION ALL SELECT 'Systems with IP Address', with_ip, ROUND(100.0 * with_ip / systems, 2) || '%' FROM t
UNION ALL SELECT 'Systems with MAC Address', with_mac, ROUND(100.0 * with_mac / systems, 2) || '%' FROM t
UNION ALL SELECT 'Systems with Domain', with_domain, ROUND(100.0 * with_domain / systems, 2) || '%' FROM t
UNION ALL SELECT 'Systems with Health Status', with_health, ROUND(100.0 * with_health / systems, 2) || '%'
    FROM t
UNION ALL SELECT 'Systems Online', online, ROUND(100.0 * online / systems, 2) || '%' FROM t
UNION ALL SELECT 'Systems Reported by API', c.total_systems,
    ROUND(100.0 * t.systems / c.total_systems, 2) || '%'
    FROM t LEFT JOIN extraction_checkpoints c ON c.snapshot_id = t.snapshot_id;`;

/** In dependency order: latest_system_details first, the views reading it after. */
export const DASHBOARD_VIEWS: readonly string[] = [
  LATEST_SYSTEM_DETAILS,
  ORGANIZATION_SUMMARY,
  OS_DISTRIBUTION,
  HIGH_RISK_SYSTEMS,
  STALE_SYSTEMS,
  SCAN_FAILURES,
  DATA_COVERAGE_REPORT,
];

export const DASHBOARD_VIEWS_VERSION = 10;
