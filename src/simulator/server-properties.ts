import { CUSTOM_GROUPS, ORGS } from './catalog.ts';

/** `GET /api/1.4/desktop/serverproperties`: the filter values (D23), not paginated. */
export function serverPropertiesText(): string {
  const domains = [...new Set(ORGS.map((org) => org.domain))];
  return JSON.stringify({
    message_type: 'serverproperties',
    message_response: {
      serverproperties: {
        branch_offices: ORGS.map((org) => org.name),
        domains,
        custom_groups: CUSTOM_GROUPS,
      },
    },
    status: 'success',
    message_version: '1.4',
  });
}
