import type { InventoryEntry } from './inventory.ts';

/**
 * The documented scandetails filters (D23). Values match the record fields they name;
 * `customgroupfilter` is accepted and ignored (records carry no group membership).
 */
/** A scalar field as text ('' for anything else), for comparing with a query value. */
function field(entry: InventoryEntry, key: string): string {
  const value = entry.record[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

const FILTERS: Record<string, (entry: InventoryEntry, value: string) => boolean> = {
  branchofficefilter: (entry, value) => entry.record['branch_office_name'] === value,
  domainfilter: (entry, value) => entry.record['resource.domain_netbios_name'] === value,
  platformfilter: (entry, value) => field(entry, 'os_platform_name').toLowerCase() === value.toLowerCase(),
  resid: (entry, value) => entry.id.toString() === value,
  healthfilter: (entry, value) => field(entry, 'resource_health_status') === value,
  livestatusfilter: (entry, value) => field(entry, 'computer_live_status') === value,
  agentinstallationstatusfilter: (entry, value) => field(entry, 'installation_status') === value,
};

export function filterEntries(
  entries: readonly InventoryEntry[],
  query: URLSearchParams,
): readonly InventoryEntry[] {
  const active = Object.entries(FILTERS).flatMap(([name, test]) => {
    const value = query.get(name);
    return value === null ? [] : [{ test, value }];
  });
  if (active.length === 0) return entries;
  return entries.filter((entry) => active.every(({ test, value }) => test(entry, value)));
}
