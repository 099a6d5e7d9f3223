import { ORGS, OSES, PLATFORM_NAMES, type MachineRole, type OrgSpec } from './catalog.ts';
import type { JsonValue } from './json-text.ts';
import { hexString, intBetween, mulberry32, hashString, pickWeighted, type Rng } from './prng.ts';

/** The MSP's own customer id (D23): 17 digits, above 2^53. */
const CUSTOMER_ID = 52549000000166809n;
/** Branch office ids are platform ids too; adjacent ones collide under JSON.parse just like resource ids. */
const BRANCH_ID_BASE = 52549000000120001n;
const DAY_MS = 86_400_000;

function branchOfficeId(orgIndex: number): bigint {
  return BRANCH_ID_BASE + BigInt(orgIndex);
}

/** Scan outcome → [scan_status code, i18n remark key] (D23 enums). */
interface ScanOutcome {
  status: 226 | 227 | 228 | 229;
  remark: string;
  weight: number;
}

const SCAN_OUTCOMES: readonly [ScanOutcome, ScanOutcome, ScanOutcome, ScanOutcome] = [
  { status: 228, remark: 'dc.common.SCANNING_COMPLETED', weight: 85 },
  { status: 226, remark: 'dc.common.SCANNING_FAILED', weight: 7 },
  { status: 227, remark: 'dc.common.SCANNING_IN_PROGRESS', weight: 3 },
  { status: 229, remark: 'dc.common.NOT_SCANNED', weight: 5 },
];

const HEALTH_WEIGHTS = [5, 45, 35, 15] as const; // 0 unknown, 1 healthy, 2 vulnerable, 3 highly vulnerable

const AGENT_DIRS: Record<1 | 2 | 3, string> = {
  1: 'C:\\Program Files (x86)\\ManageEngine\\UEMS_Agent',
  2: '/Library/ManageEngine/UEMS_Agent',
  3: '/usr/local/manageengine/uems_agent',
};

const ROLE_TAGS: Record<MachineRole, string> = {
  workstation: 'WKS',
  server: 'SRV',
  mac: 'MBP',
  linux: 'LNX',
};

function macAddress(rng: Rng): string {
  return Array.from({ length: 6 }, () => hexString(rng, 2).toUpperCase()).join(':');
}

/** A time `minDays`..`maxDays` before `fromMs`, epoch ms. */
function daysBefore(rng: Rng, fromMs: number, minDays: number, maxDays: number): number {
  return fromMs - Math.floor((minDays + rng() * (maxDays - minDays)) * DAY_MS);
}

/**
 * One scandetails record. It depends only on (seed, id, referenceTimeMs), never on the record's position,
 * so a system keeps its data when inventory drift shifts it to another page.
 */
export function buildRecord(id: bigint, seed: number, referenceTimeMs: number): Record<string, JsonValue> {
  const rng = mulberry32(hashString(id.toString(), seed));
  const orgIndex = ORGS.indexOf(pickWeighted(rng, ORGS, (org) => org.weight));
  const org: OrgSpec = ORGS[orgIndex] ?? ORGS[0];
  const os = pickWeighted(rng, OSES, (spec) => spec.weight);
  const installed = rng() < 0.97;
  const live = installed && rng() < 0.82 ? 1 : 2;
  const scan = installed ? pickWeighted(rng, SCAN_OUTCOMES, (o) => o.weight) : SCAN_OUTCOMES[3];
  const health = scan.status === 229 ? 0 : pickWeighted(rng, [0, 1, 2, 3] as const, (h) => HEALTH_WEIGHTS[h]);
  const lastContactMs = installed ? daysBefore(rng, referenceTimeMs, 0, live === 1 ? 1 : 30) : -1;
  const lastScanMs = scan.status === 229 ? -1 : daysBefore(rng, referenceTimeMs, 0, 3);
  const name = `${org.prefix}-${ROLE_TAGS[os.role]}-${(id % 10000n).toString().padStart(4, '0')}`;
  const failed = scan.status === 226;
  const user = os.role === 'server' || rng() < 0.3 ? '--' : `${org.domain}\\user${intBetween(rng, 1, 400)}`;
  return {
    resource_id: id,
    resource_id_string: id.toString(),
    'resource.name': name,
    'resource.domain_netbios_name': os.platform === 1 ? org.domain : 'WORKGROUP',
    customer_id: CUSTOMER_ID,
    branch_office_id: branchOfficeId(orgIndex),
    branch_office_name: org.name,
    'branchofficedetails.branch_office_id': branchOfficeId(orgIndex),
    'branchmemberresourcerel.resource_id': id,
    'pmreshealthstatus.resource_id': id,
    'patchclientscanerror.resource_id': id,
    'patchmgmtosinfo.resource_id': id,
    os_platform: os.platform,
    os_platform_id: os.platform,
    os_platform_name: PLATFORM_NAMES[os.platform],
    os_name: os.name,
    osflavor_id: os.flavorId,
    os_language: 1,
    os_language_abbr: 'en_US',
    'oslanguage.i18n': 'dc.common.os_language.ENGLISH',
    'oslanguage.languageid': 1,
    service_pack: os.servicePack,
    ip_address: `10.${orgIndex + 10}.${intBetween(rng, 0, 31)}.${intBetween(rng, 2, 254)}`,
    mac_address: macAddress(rng),
    agent_version: installed ? `11.3.2416.05.${'WML'[os.platform - 1] ?? 'W'}` : '--',
    agent_installed_on: installed ? daysBefore(rng, referenceTimeMs, 30, 900) : -1,
    agent_installed_dir: installed ? AGENT_DIRS[os.platform] : '--',
    agent_last_contact_time: lastContactMs,
    agent_last_bootup_time: installed ? daysBefore(rng, Math.max(lastContactMs, 0), 0, 20) : -1,
    agent_last_ds_contact_time: installed ? lastContactMs - intBetween(rng, 0, 600_000) : -1,
    agent_logged_on_users: user,
    computer_live_status: live,
    computer_status_update_time: lastContactMs,
    installation_status: installed ? 22 : 21,
    scan_status: scan.status,
    scan_remarks: scan.remark,
    scan_remarks_args: '--',
    'patchstatusdefn.label': scan.remark,
    patch_status_label: scan.remark,
    patch_status_image: `images/scan_status_${scan.status}.png`,
    status_label: scan.remark,
    patch_scan_error_code: failed ? `${intBetween(rng, 12000, 12099)}` : '--',
    error_kb_url: failed ? 'https://www.manageengine.com/patch-management/kb/scan-failure.html' : '--',
    last_scan_time: lastScanMs,
    last_successful_scan:
      scan.status === 228 ? lastScanMs : rng() < 0.5 ? -1 : daysBefore(rng, referenceTimeMs, 3, 40),
    last_sync_time: lastScanMs === -1 ? -1 : lastScanMs - intBetween(rng, 0, 3_600_000),
    resource_health_status: health,
    description: os.role === 'server' ? 'Line-of-business server' : '--',
    location: rng() < 0.6 ? org.location : '--',
    owner: '--',
    owner_email_id: '--',
    search_tag: '--',
  };
}
