/**
 * Reference data for generated systems. Client organisations of the MSP are branch offices (D23:
 * 15-21 orgs, one of ~435 systems), so `weight` skews sizes. Names are invented.
 */
export interface OrgSpec {
  name: string;
  /** NetBIOS domain of the org's systems; "WORKGROUP" for unmanaged fleets. */
  domain: string;
  /** Short prefix of computer names. */
  prefix: string;
  /** Relative share of the fleet. */
  weight: number;
  location: string;
}

export const ORGS: readonly [OrgSpec, ...OrgSpec[]] = [
  { name: 'Head Office', domain: 'MSPCORE', prefix: 'HQ', weight: 6, location: 'Sydney' },
  { name: 'Harbourside Dental Group', domain: 'HDG', prefix: 'HDG', weight: 5, location: 'Sydney' },
  { name: 'Coastal Freight Logistics', domain: 'CFL', prefix: 'CFL', weight: 13, location: 'Brisbane' },
  { name: 'Banksia Aged Care', domain: 'BANKSIA', prefix: 'BAC', weight: 9, location: 'Newcastle' },
  { name: 'Redgum Legal Partners', domain: 'REDGUM', prefix: 'RLP', weight: 4, location: 'Melbourne' },
  { name: 'Southern Cross Engineering', domain: 'SCE', prefix: 'SCE', weight: 8, location: 'Perth' },
  { name: 'Wattle Primary Schools Trust', domain: 'WATTLE', prefix: 'WPS', weight: 7, location: 'Adelaide' },
  { name: 'Kestrel Accounting', domain: 'KESTREL', prefix: 'KAC', weight: 3, location: 'Hobart' },
  { name: 'Ironbark Mining Services', domain: 'IRONBARK', prefix: 'IMS', weight: 6, location: 'Kalgoorlie' },
  { name: 'Lyrebird Media', domain: 'WORKGROUP', prefix: 'LYR', weight: 2, location: 'Melbourne' },
  { name: 'Pinnacle Physiotherapy', domain: 'PINNACLE', prefix: 'PPH', weight: 2, location: 'Canberra' },
  { name: 'Tasman Marine Supplies', domain: 'TASMAN', prefix: 'TMS', weight: 4, location: 'Hobart' },
  { name: 'Outback Agricultural Co-op', domain: 'OUTBACK', prefix: 'OAC', weight: 5, location: 'Dubbo' },
  { name: 'Bluewater Property Group', domain: 'BLUEWATER', prefix: 'BPG', weight: 3, location: 'Gold Coast' },
  { name: 'Northgate Medical Centre', domain: 'NORTHGATE', prefix: 'NMC', weight: 4, location: 'Darwin' },
  { name: 'Silverleaf Hotels', domain: 'SILVERLEAF', prefix: 'SLH', weight: 6, location: 'Cairns' },
  { name: 'Quokka Retail', domain: 'QUOKKA', prefix: 'QKR', weight: 5, location: 'Perth' },
  { name: 'Granite Civil Contractors', domain: 'GRANITE', prefix: 'GCC', weight: 4, location: 'Toowoomba' },
];

export type MachineRole = 'workstation' | 'server' | 'mac' | 'linux';

export interface OsSpec {
  role: MachineRole;
  /** os_platform code: 1 Windows, 2 Mac, 3 Linux. */
  platform: 1 | 2 | 3;
  name: string;
  servicePack: string;
  flavorId: number;
  weight: number;
}

export const OSES: readonly [OsSpec, ...OsSpec[]] = [
  {
    role: 'workstation',
    platform: 1,
    name: 'Windows 11 Professional Edition (x64)',
    servicePack: '--',
    flavorId: 11,
    weight: 38,
  },
  {
    role: 'workstation',
    platform: 1,
    name: 'Windows 11 Enterprise Edition (x64)',
    servicePack: '--',
    flavorId: 12,
    weight: 10,
  },
  {
    role: 'workstation',
    platform: 1,
    name: 'Windows 10 Professional Edition (x64)',
    servicePack: '--',
    flavorId: 10,
    weight: 22,
  },
  {
    role: 'server',
    platform: 1,
    name: 'Windows Server 2022 Standard Edition (x64)',
    servicePack: '--',
    flavorId: 22,
    weight: 6,
  },
  {
    role: 'server',
    platform: 1,
    name: 'Windows Server 2019 Standard Edition (x64)',
    servicePack: '--',
    flavorId: 19,
    weight: 5,
  },
  {
    role: 'server',
    platform: 1,
    name: 'Windows Server 2016 Datacenter Edition (x64)',
    servicePack: '--',
    flavorId: 16,
    weight: 2,
  },
  {
    role: 'server',
    platform: 1,
    name: 'Windows Server 2012 R2 Standard Edition (x64)',
    servicePack: 'Service Pack 1',
    flavorId: 13,
    weight: 1,
  },
  { role: 'mac', platform: 2, name: 'macOS Sonoma', servicePack: '--', flavorId: 214, weight: 6 },
  { role: 'mac', platform: 2, name: 'macOS Sequoia', servicePack: '--', flavorId: 215, weight: 4 },
  { role: 'linux', platform: 3, name: 'Ubuntu 22.04 LTS', servicePack: '--', flavorId: 301, weight: 3 },
  {
    role: 'linux',
    platform: 3,
    name: 'Red Hat Enterprise Linux 9',
    servicePack: '--',
    flavorId: 309,
    weight: 2,
  },
];

export const PLATFORM_NAMES: Record<OsSpec['platform'], string> = { 1: 'Windows', 2: 'Mac', 3: 'Linux' };

/** Custom groups offered by serverproperties (not attached to records). */
export const CUSTOM_GROUPS = [
  'All Servers',
  'Finance Laptops',
  'Pilot Ring',
  'Kiosks',
  'Clinical Workstations',
];
