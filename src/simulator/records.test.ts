import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  envelopeOf,
  rawResourceIds,
  recordsOf,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

/** The documented and observed key set (D23 "Records"). */
const EXPECTED_KEYS = [
  'resource_id',
  'resource_id_string',
  'resource.name',
  'resource.domain_netbios_name',
  'customer_id',
  'branch_office_id',
  'branch_office_name',
  'branchofficedetails.branch_office_id',
  'branchmemberresourcerel.resource_id',
  'pmreshealthstatus.resource_id',
  'patchclientscanerror.resource_id',
  'patchmgmtosinfo.resource_id',
  'os_platform',
  'os_platform_id',
  'os_platform_name',
  'os_name',
  'osflavor_id',
  'os_language',
  'os_language_abbr',
  'oslanguage.i18n',
  'oslanguage.languageid',
  'service_pack',
  'ip_address',
  'mac_address',
  'agent_version',
  'agent_installed_on',
  'agent_installed_dir',
  'agent_last_contact_time',
  'agent_last_bootup_time',
  'agent_last_ds_contact_time',
  'agent_logged_on_users',
  'computer_live_status',
  'computer_status_update_time',
  'installation_status',
  'scan_status',
  'scan_remarks',
  'scan_remarks_args',
  'patchstatusdefn.label',
  'patch_status_label',
  'patch_status_image',
  'status_label',
  'patch_scan_error_code',
  'error_kb_url',
  'last_scan_time',
  'last_successful_scan',
  'last_sync_time',
  'resource_health_status',
  'description',
  'location',
  'owner',
  'owner_email_id',
  'search_tag',
];

describe('scandetails envelope and records', () => {
  it('returns the documented envelope as text/plain with the real key set', async () => {
    const sim = await startSimulator();
    const res = await fetchPage(sim, await getToken(sim), { page: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain;charset=UTF-8');
    const text = await res.text();
    const envelope = envelopeOf(text);
    expect(Object.keys(envelope)).toEqual(['message_type', 'message_response', 'message_version', 'status']);
    expect(envelope).toMatchObject({
      message_type: 'scandetails',
      message_version: '1.4',
      status: 'success',
    });
    expect(Object.keys(envelope.message_response)).toEqual(['total', 'limit', 'page', 'scandetails']);
    expect(envelope.message_response).toMatchObject({ total: 3362, limit: 25, page: 1 });
    const records = recordsOf(text);
    expect(records).toHaveLength(25);
    for (const record of records) expect(Object.keys(record).sort()).toEqual([...EXPECTED_KEYS].sort());
  });

  it('writes 17-digit ids above 2^53 that JSON.parse corrupts, with an exact resource_id_string', async () => {
    const sim = await startSimulator();
    const text = await (await fetchPage(sim, await getToken(sim), { pagelimit: 200 })).text();
    const rawIds = rawResourceIds(text);
    const records = recordsOf(text);
    expect(rawIds).toHaveLength(200);
    for (const [index, record] of records.entries()) {
      const raw = rawIds[index] ?? '';
      expect(raw).toMatch(/^\d{17}$/);
      expect(BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(record['resource_id_string']).toBe(raw);
      expect(record['pmreshealthstatus.resource_id']).toBe(record['resource_id']);
    }
    const lossy = records.filter((record) => String(record['resource_id']) !== record['resource_id_string']);
    expect(lossy.length).toBeGreaterThan(150);
    // Adjacent ids differ in the low digits only, so JSON.parse maps several systems onto one number.
    const parsedDistinct = new Set(records.map((record) => record['resource_id']));
    expect(parsedDistinct.size).toBeLessThan(new Set(rawIds).size);
    expect(new Set(rawIds).size).toBe(200);
    expect(BigInt(rawIds[1] ?? '0') - BigInt(rawIds[0] ?? '0')).toBeLessThanOrEqual(4n);
  });

  it('generates a realistic MSP fleet: branch offices, platforms, enums, sentinels, epoch-ms times', async () => {
    const sim = await startSimulator();
    const text = await (await fetchPage(sim, await getToken(sim), { pagelimit: 1000 })).text();
    const records = recordsOf(text);
    const orgs = new Set(records.map((record) => record['branch_office_name']));
    expect(orgs.size).toBeGreaterThanOrEqual(15);
    expect(orgs.size).toBeLessThanOrEqual(21);
    expect(new Set(records.map((record) => record['os_platform_name']))).toEqual(
      new Set(['Windows', 'Mac', 'Linux']),
    );
    expect(records.some((record) => String(record['os_name']).includes('Server'))).toBe(true);
    for (const record of records) {
      expect([0, 1, 2, 3]).toContain(record['resource_health_status']);
      expect([1, 2]).toContain(record['computer_live_status']);
      expect([21, 22]).toContain(record['installation_status']);
      expect([226, 227, 228, 229]).toContain(record['scan_status']);
      const lastScan = record['last_scan_time'] as number;
      expect(lastScan === -1 || lastScan > 1_600_000_000_000).toBe(true);
    }
    expect(new Set(records.map((record) => record['resource_health_status'])).size).toBe(4);
    expect(records.some((record) => record['description'] === '--')).toBe(true);
    expect(records.some((record) => record['agent_installed_on'] === -1)).toBe(true);
  });

  it('serves serverproperties with branch offices, domains and custom groups, behind auth', async () => {
    const sim = await startSimulator();
    const url = `${sim.url}/api/1.4/desktop/serverproperties`;
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${await getToken(sim)}` } });
    const body = (await res.json()) as {
      message_type: string;
      status: string;
      message_response: { serverproperties: Record<string, string[]> };
    };
    expect(body).toMatchObject({
      message_type: 'serverproperties',
      status: 'success',
      message_version: '1.4',
    });
    const props = body.message_response.serverproperties;
    expect(props['branch_offices']).toContain('Head Office');
    expect(props['domains']).toContain('WORKGROUP');
    expect(props['custom_groups']?.length).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  async function firstPages(seed: number): Promise<string> {
    const sim = await startSimulator({ seed });
    const token = await getToken(sim);
    const texts = await Promise.all(
      [1, 2, 135].map(async (page) => (await fetchPage(sim, token, { page })).text()),
    );
    return texts.join('\n');
  }

  it('gives identical pages for the same seed and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([firstPages(7), firstPages(7), firstPages(8)]);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
