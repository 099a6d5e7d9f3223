/**
 * The dashboard views (D81) and lookup tables (D80) on a small known dataset: six systems in the
 * published snapshot, and rows in an older `success`, a newer `partial` and a newer `failed` snapshot
 * that no view may show.
 */
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';

const DAY_MS = 86_400_000;

interface Row {
  name: string;
  org: string;
  os?: string;
  platform?: [number, string];
  health?: number;
  live?: number;
  scan?: number;
  install?: number;
  ip?: string;
  mac?: string;
  domain?: string;
  contactAgoMs?: number;
}

const PUBLISHED: readonly Row[] = [
  {
    name: 'ACME-SRV-01',
    org: 'Acme',
    os: 'Windows Server 2022 Standard',
    platform: [1, 'Windows'],
    health: 3,
    live: 1,
    scan: 228,
    install: 22,
    ip: '10.0.0.1',
    mac: 'AA',
    domain: 'ACME',
    contactAgoMs: DAY_MS,
  },
  {
    name: 'ACME-WKS-02',
    org: 'Acme',
    os: 'Windows 11 Pro',
    platform: [1, 'Windows'],
    health: 1,
    live: 2,
    scan: 226,
    install: 22,
    mac: 'BB',
    domain: 'ACME',
    contactAgoMs: 30 * DAY_MS,
  },
  {
    name: 'ACME-WKS-06',
    org: 'Acme',
    os: 'Windows 11 Pro',
    platform: [1, 'Windows'],
    health: 3,
    live: 1,
    scan: 228,
    install: 22,
    ip: '10.0.0.6',
    contactAgoMs: 2 * 3_600_000,
  },
  {
    name: 'BETA-MAC-03',
    org: 'Beta',
    os: 'macOS Sonoma',
    platform: [2, 'Mac'],
    health: 2,
    live: 1,
    scan: 229,
    install: 21,
    ip: '10.0.1.3',
    mac: 'CC',
  },
  {
    name: 'BETA-LNX-04',
    org: 'Beta',
    os: 'Ubuntu 22.04 LTS',
    platform: [3, 'Linux'],
    health: 0,
    live: 3,
    scan: 227,
    install: 22,
    ip: '10.0.1.4',
    mac: 'DD',
    domain: 'WORKGROUP',
    contactAgoMs: 8 * DAY_MS,
  },
  { name: 'BETA-UNK-05', org: 'Beta' },
];

/** A row every view would show if it read a snapshot other than the published one. */
const ELSEWHERE: Row = {
  name: 'ELSEWHERE',
  org: 'Elsewhere',
  os: 'Windows Server 2019',
  platform: [1, 'Windows'],
  health: 3,
  live: 2,
  scan: 226,
  contactAgoMs: 90 * DAY_MS,
};

let db: Database.Database;

function insertSystem(snapshotId: number, id: number, row: Row, nowMs: number): void {
  db.prepare(
    `INSERT INTO systems (snapshot_id, resource_id, resource_name, branch_office_name, os_name, os_platform,
       os_platform_name, resource_health_status, computer_live_status, scan_status, installation_status,
       ip_address, mac_address, domain_netbios_name, agent_last_contact_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    snapshotId,
    (52549000000186000n + BigInt(id)).toString(),
    row.name,
    row.org,
    row.os ?? null,
    row.platform?.[0] ?? null,
    row.platform?.[1] ?? null,
    row.health ?? null,
    row.live ?? null,
    row.scan ?? null,
    row.install ?? null,
    row.ip ?? null,
    row.mac ?? null,
    row.domain ?? null,
    row.contactAgoMs === undefined ? null : nowMs - row.contactAgoMs,
  );
}

beforeAll(() => {
  db = new Database(':memory:');
  migrate(db);
  const nowMs = Date.now();
  const statuses = ['success', 'success', 'partial', 'failed'] as const;
  for (const [index, status] of statuses.entries()) {
    db.prepare('INSERT INTO snapshots (snapshot_id, status) VALUES (?, ?)').run(index + 1, status);
  }
  db.prepare(
    `INSERT INTO extraction_checkpoints (snapshot_id, last_page, systems_extracted, coverage_pct, total_systems)
     VALUES (2, 1, 6, 75, 8)`,
  ).run();
  for (const [index, row] of PUBLISHED.entries()) insertSystem(2, index, row, nowMs);
  for (const snapshotId of [1, 3, 4]) insertSystem(snapshotId, 99, ELSEWHERE, nowMs);
});

function all(view: string): Record<string, unknown>[] {
  return db.prepare(`SELECT * FROM ${view}`).all() as Record<string, unknown>[];
}

describe('latest_system_details', () => {
  it('adds device_role and the name of every code to each published system', () => {
    const rows = db
      .prepare(
        `SELECT resource_name, device_role, health_status_name, live_status_name, scan_status_name,
           installation_status_name, os_platform_label, snapshot_id
         FROM latest_system_details ORDER BY resource_name`,
      )
      .all();
    expect(rows).toEqual([
      row('ACME-SRV-01', 'server', 'Highly vulnerable', 'Live', 'Success', 'Agent installed', 'Windows'),
      row('ACME-WKS-02', 'workstation', 'Healthy', 'Down', 'Failed', 'Agent installed', 'Windows'),
      row('ACME-WKS-06', 'workstation', 'Highly vulnerable', 'Live', 'Success', 'Agent installed', 'Windows'),
      row('BETA-LNX-04', 'unknown', 'Unknown', 'Unknown', 'In progress', 'Agent installed', 'Linux'),
      row('BETA-MAC-03', 'workstation', 'Vulnerable', 'Live', 'Not scanned', 'Agent not installed', 'Mac'),
      row('BETA-UNK-05', 'unknown', null, null, null, null, null),
    ]);
  });
});

function row(
  name: string,
  role: string,
  health: string | null,
  live: string | null,
  scan: string | null,
  install: string | null,
  platform: string | null,
): Record<string, unknown> {
  return {
    resource_name: name,
    device_role: role,
    health_status_name: health,
    live_status_name: live,
    scan_status_name: scan,
    installation_status_name: install,
    os_platform_label: platform,
    snapshot_id: 2,
  };
}

describe('organization_summary', () => {
  it('counts health, live status and role per branch office, highest risk first', () => {
    expect(all('organization_summary')).toEqual([
      {
        organization: 'Acme',
        total_systems: 3,
        healthy_systems: 1,
        moderate_risk_systems: 0,
        high_risk_systems: 2,
        unknown_health_systems: 0,
        online_systems: 2,
        offline_systems: 1,
        healthy_percentage: 33.33,
        high_risk_percentage: 66.67,
        server_systems: 1,
        workstation_systems: 2,
        unknown_role_systems: 0,
      },
      {
        organization: 'Beta',
        total_systems: 3,
        healthy_systems: 0,
        moderate_risk_systems: 1,
        high_risk_systems: 0,
        unknown_health_systems: 2,
        online_systems: 1,
        offline_systems: 0,
        healthy_percentage: 0,
        high_risk_percentage: 0,
        server_systems: 0,
        workstation_systems: 1,
        unknown_role_systems: 2,
      },
    ]);
  });
});

describe('os_distribution', () => {
  it('counts systems and high-risk ones per platform and OS, largest group first', () => {
    expect(all('os_distribution')).toEqual([
      os('Windows', 'Windows 11 Pro', 2, 1, 50),
      os(null, null, 1, 0, 0),
      os('Linux', 'Ubuntu 22.04 LTS', 1, 0, 0),
      os('Mac', 'macOS Sonoma', 1, 0, 0),
      os('Windows', 'Windows Server 2022 Standard', 1, 1, 100),
    ]);
  });
});

function os(
  platform: string | null,
  name: string | null,
  count: number,
  highRisk: number,
  pct: number,
): Record<string, unknown> {
  return {
    os_platform_name: platform,
    os_name: name,
    system_count: count,
    high_risk_count: highRisk,
    high_risk_percentage: pct,
  };
}

describe('high_risk_systems, stale_systems, scan_failures', () => {
  it('high_risk_systems lists health 3, by organization and name', () => {
    const rows = all('high_risk_systems');
    expect(rows.map((r) => [r['resource_name'], r['organization'], r['device_role']])).toEqual([
      ['ACME-SRV-01', 'Acme', 'server'],
      ['ACME-WKS-06', 'Acme', 'workstation'],
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'resource_name',
      'ip_address',
      'organization',
      'domain_netbios_name',
      'os_name',
      'last_scan_time',
      'agent_last_contact_time',
      'computer_live_status',
      'scan_status',
      'resource_id',
      'device_role',
    ]);
    expect(rows[0]?.['resource_id']).toBe('52549000000186000');
  });

  it('stale_systems lists agents silent for more than 7 days, longest first', () => {
    const rows = all('stale_systems');
    expect(rows.map((r) => r['resource_name'])).toEqual(['ACME-WKS-02', 'BETA-LNX-04']);
    expect(rows[0]?.['days_since_contact']).toBeCloseTo(30, 0);
    expect(rows[1]?.['days_since_contact']).toBeCloseTo(8, 0);
    expect(rows[1]).toMatchObject({ organization: 'Beta', computer_live_status: 3 });
  });

  it('scan_failures lists every scan_status but 228, with its name', () => {
    const rows = all('scan_failures');
    expect(rows.map((r) => [r['resource_name'], r['scan_status'], r['scan_status_name']])).toEqual([
      ['ACME-WKS-02', 226, 'Failed'],
      ['BETA-LNX-04', 227, 'In progress'],
      ['BETA-MAC-03', 229, 'Not scanned'],
    ]);
  });
});

describe('data_coverage_report', () => {
  it('reports each metric of the published snapshot, and its coverage of the API total', () => {
    expect(all('data_coverage_report')).toEqual([
      { metric: 'Total Systems', count: 6, coverage: '100%' },
      { metric: 'Systems with IP Address', count: 4, coverage: '66.67%' },
      { metric: 'Systems with MAC Address', count: 4, coverage: '66.67%' },
      { metric: 'Systems with Domain', count: 3, coverage: '50.0%' },
      { metric: 'Systems with Health Status', count: 4, coverage: '66.67%' },
      { metric: 'Systems Online', count: 3, coverage: '50.0%' },
      { metric: 'Systems Reported by API', count: 8, coverage: '75.0%' },
    ]);
  });
});

describe('lookup tables', () => {
  it('name every documented code, with its source', () => {
    const names = (table: string): unknown[] =>
      db.prepare(`SELECT code, name, source FROM ${table} ORDER BY code`).raw().all();
    expect(names('resource_health_status_codes')).toEqual([
      [0, 'Unknown', 'documented'],
      [1, 'Healthy', 'documented'],
      [2, 'Vulnerable', 'documented'],
      [3, 'Highly vulnerable', 'documented'],
    ]);
    expect(names('computer_live_status_codes')).toEqual([
      [1, 'Live', 'documented'],
      [2, 'Down', 'documented'],
      [3, 'Unknown', 'observed'],
    ]);
    expect(names('scan_status_codes').map((r) => (r as unknown[])[0])).toEqual([226, 227, 228, 229]);
    expect(names('installation_status_codes').map((r) => (r as unknown[])[0])).toEqual([21, 22, 23, 24, 29]);
    expect(names('os_platform_codes').map((r) => (r as unknown[])[1])).toEqual(['Windows', 'Mac', 'Linux']);
  });
});
