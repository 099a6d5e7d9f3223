/**
 * The downstream `systems` columns (D7, the existing PMP tooling's enhanced schema), with
 * their SQLite types. API keys map to these by replacing dots with underscores; a few keys have
 * aliases (see api/normalize-record.ts). Dashboards read these names: never rename one.
 */
export const SYSTEM_TEXT_COLUMNS = [
  'resource_id_string',
  'ip_address',
  'mac_address',
  'domain_netbios_name',
  'branch_office_id',
  'customer_id',
  'os_name',
  'os_platform_name',
  'os_language_abbr',
  'service_pack',
  'agent_version',
  'agent_installed_dir',
  'agent_logged_on_users',
  'patch_scan_error_code',
  'scan_remarks',
  'scan_remarks_args',
  'patch_status_image',
  'patch_status_label',
  'status_label',
  'description',
  'location',
  'owner',
  'owner_email_id',
  'search_tag',
  'error_kb_url',
  'branchmemberresourcerel_resource_id',
  'branchofficedetails_branch_office_id',
  'patchclientscanerror_resource_id',
  'patchmgmtosinfo_resource_id',
  'pmreshealthstatus_resource_id',
  'oslanguage_i18n',
] as const;

/** INTEGER columns; times are epoch milliseconds. */
export const SYSTEM_INTEGER_COLUMNS = [
  'os_platform',
  'os_platform_id',
  'osflavor_id',
  'os_language',
  'agent_installed_on',
  'agent_last_contact_time',
  'agent_last_bootup_time',
  'agent_last_ds_contact_time',
  'computer_live_status',
  'computer_status_update_time',
  'installation_status',
  'last_scan_time',
  'last_successful_scan',
  'last_sync_time',
  'scan_status',
  'resource_health_status',
  'oslanguage_languageid',
] as const;

/** NOT NULL TEXT columns of the downstream schema; the mapper always fills them. */
export const SYSTEM_REQUIRED_COLUMNS = ['resource_name', 'branch_office_name'] as const;

/** Columns whose values are epoch-ms timestamps, where -1 means "no value". */
export const SYSTEM_TIME_COLUMNS: ReadonlySet<string> = new Set([
  'agent_installed_on',
  'agent_last_contact_time',
  'agent_last_bootup_time',
  'agent_last_ds_contact_time',
  'computer_status_update_time',
  'last_scan_time',
  'last_successful_scan',
  'last_sync_time',
]);

/**
 * The stable columns a `changed` row compares (D112), in the order changed_fields lists them. Left
 * out on purpose: every time column above (contact, boot, sync, scan and install times move on
 * every pass), agent_logged_on_users (every log-on), the labels that follow scan_status
 * (scan_remarks*, patch_status_*, status_label, error_kb_url), and copies of other columns
 * (resource_id_string, the *_resource_id and branchofficedetails_* ids, os_platform_id, the
 * language details that follow os_language).
 */
export const SYSTEM_CHANGE_COLUMNS = [
  'resource_name',
  'domain_netbios_name',
  'branch_office_id',
  'branch_office_name',
  'customer_id',
  'ip_address',
  'mac_address',
  'os_name',
  'os_platform',
  'os_platform_name',
  'osflavor_id',
  'os_language',
  'service_pack',
  'agent_version',
  'agent_installed_dir',
  'installation_status',
  'computer_live_status',
  'scan_status',
  'patch_scan_error_code',
  'resource_health_status',
  'description',
  'location',
  'owner',
  'owner_email_id',
  'search_tag',
] as const;

/**
 * Downstream `systems` columns with their types: ADD COLUMN declarations for a `systems` table an older tool created
 * with fewer columns (the 2026 unified schema lacks most of them). NOT NULL cannot be added to a table
 * with rows, so a missing required column comes back nullable; created_at/updated_at lose their
 * CURRENT_TIMESTAMP default (SQLite refuses non-constant defaults in ADD COLUMN) but we write both.
 * pending_systems declares its columns from the same list (D134).
 */
export const SYSTEM_COLUMN_DECLARATIONS: readonly (readonly [string, string])[] = [
  ['resource_id', 'TEXT'],
  ...SYSTEM_REQUIRED_COLUMNS.map((name) => [name, 'TEXT'] as const),
  ...SYSTEM_TEXT_COLUMNS.map((name) => [name, 'TEXT'] as const),
  ...SYSTEM_INTEGER_COLUMNS.map((name) => [name, 'INTEGER'] as const),
  ['created_at', 'DATETIME'],
  ['updated_at', 'DATETIME'],
];
