/**
 * The dashboard views of D81 in Postgres SQL (migration 6, D120): the SQLite views' names, columns,
 * column order and row order, each built on `latest_system_inventory`. Differences forced by
 * Postgres: ILIKE for D82's case-insensitive match, IS DISTINCT FROM instead of IS NOT, now() for
 * the time of reading, and NULLIF around divisors (Postgres raises on division by zero, SQLite
 * returns NULL). Percentages are numeric rounded to 2 decimals ('100.00%' where SQLite says '100.0%').
 */
import { createViewIfAbsent } from './ddl-downstream.ts';
import type { QuotedSchema } from './names.ts';

const DEVICE_ROLE = `CASE
        WHEN s.os_name ILIKE '%server%' THEN 'server'
        WHEN s.os_name IS NOT NULL AND (s.os_platform IN (1, 2) OR s.os_platform_name IN ('Windows', 'Mac'))
            THEN 'workstation'
        ELSE 'unknown'
    END`;

function countWhere(condition: string): string {
  return `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
}

function percentWhere(condition: string): string {
  return `ROUND(100.0 * ${countWhere(condition)} / COUNT(*), 2)`;
}

function present(column: string): string {
  return `${column} IS NOT NULL AND ${column} <> '--'`;
}

/** Now in epoch ms, like the BIGINT time columns. */
const NOW_MS = '(EXTRACT(EPOCH FROM now()) * 1000)::bigint';
const DAY_MS = 86_400_000;

function details(s: QuotedSchema): string {
  return `SELECT s.*,
    ${DEVICE_ROLE} AS device_role,
    health.name AS health_status_name,
    live.name AS live_status_name,
    scan.name AS scan_status_name,
    install.name AS installation_status_name,
    platform.name AS os_platform_label
FROM ${s}.latest_system_inventory s
LEFT JOIN ${s}.resource_health_status_codes health ON health.code = s.resource_health_status
LEFT JOIN ${s}.computer_live_status_codes live ON live.code = s.computer_live_status
LEFT JOIN ${s}.scan_status_codes scan ON scan.code = s.scan_status
LEFT JOIN ${s}.installation_status_codes install ON install.code = s.installation_status
LEFT JOIN ${s}.os_platform_codes platform ON platform.code = s.os_platform`;
}

function organizationSummary(s: QuotedSchema): string {
  return `SELECT
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
FROM ${s}.latest_system_details
GROUP BY branch_office_name
ORDER BY high_risk_percentage DESC, organization`;
}

function osDistribution(s: QuotedSchema): string {
  return `SELECT
    os_platform_name,
    os_name,
    COUNT(*) AS system_count,
    ${countWhere('resource_health_status = 3')} AS high_risk_count,
    ${percentWhere('resource_health_status = 3')} AS high_risk_percentage
FROM ${s}.latest_system_inventory
GROUP BY os_platform_name, os_name
ORDER BY system_count DESC, os_platform_name, os_name`;
}

function highRiskSystems(s: QuotedSchema): string {
  return `SELECT
    resource_name, ip_address, branch_office_name AS organization, domain_netbios_name, os_name,
    last_scan_time, agent_last_contact_time, computer_live_status, scan_status,
    resource_id, device_role
FROM ${s}.latest_system_details
WHERE resource_health_status = 3
ORDER BY branch_office_name, resource_name`;
}

function staleSystems(s: QuotedSchema): string {
  return `SELECT
    resource_name, ip_address, branch_office_name AS organization, agent_version,
    agent_last_contact_time, computer_live_status,
    ROUND((${NOW_MS} - agent_last_contact_time) / ${DAY_MS}.0, 1) AS days_since_contact,
    resource_id
FROM ${s}.latest_system_inventory
WHERE agent_last_contact_time > 0 AND ${NOW_MS} - agent_last_contact_time > ${7 * DAY_MS}
ORDER BY days_since_contact DESC, resource_name`;
}

function scanFailures(s: QuotedSchema): string {
  return `SELECT
    resource_name, ip_address, branch_office_name AS organization, last_scan_time, scan_status,
    scan_remarks, patch_scan_error_code,
    scan_status_name, resource_id
FROM ${s}.latest_system_details
WHERE scan_status <> 228
ORDER BY branch_office_name, resource_name`;
}

function share(part: string, whole: string): string {
  return `ROUND(100.0 * ${part} / NULLIF(${whole}, 0), 2) || '%'`;
}

function dataCoverageReport(s: QuotedSchema): string {
  return `WITH t AS (
    SELECT COUNT(*) AS systems,
        COALESCE(${countWhere(present('ip_address'))}, 0) AS with_ip,
        COALESCE(${countWhere(present('mac_address'))}, 0) AS with_mac,
        COALESCE(${countWhere(present('domain_netbios_name'))}, 0) AS with_domain,
        COALESCE(${countWhere('resource_health_status > 0')}, 0) AS with_health,
        COALESCE(${countWhere('computer_live_status = 1')}, 0) AS online,
        MAX(snapshot_id) AS snapshot_id
    FROM ${s}.latest_system_inventory
)
SELECT 'Total Systems' AS metric, systems AS count, '100%' AS coverage FROM t
UNION ALL SELECT 'Systems with IP Address', with_ip, ${share('with_ip', 'systems')} FROM t
UNION ALL SELECT 'Systems with MAC Address', with_mac, ${share('with_mac', 'systems')} FROM t
UNION ALL SELECT 'Systems with Domain', with_domain, ${share('with_domain', 'systems')} FROM t
UNION ALL SELECT 'Systems with Health Status', with_health, ${share('with_health', 'systems')} FROM t
UNION ALL SELECT 'Systems Online', online, ${share('online', 'systems')} FROM t
UNION ALL SELECT 'Systems Reported by API', c.total_systems, ${share('t.systems', 'c.total_systems')}
    FROM t LEFT JOIN ${s}.extraction_checkpoints c ON c.snapshot_id = t.snapshot_id`;
}

/** In dependency order: latest_system_details first, the views reading it after. */
export function createDashboardViews(s: QuotedSchema): string[] {
  return [
    createViewIfAbsent(s, 'latest_system_details', details(s)),
    createViewIfAbsent(s, 'organization_summary', organizationSummary(s)),
    createViewIfAbsent(s, 'os_distribution', osDistribution(s)),
    createViewIfAbsent(s, 'high_risk_systems', highRiskSystems(s)),
    createViewIfAbsent(s, 'stale_systems', staleSystems(s)),
    createViewIfAbsent(s, 'scan_failures', scanFailures(s)),
    createViewIfAbsent(s, 'data_coverage_report', dataCoverageReport(s)),
  ];
}
