export type { CliOverrides, Config } from './config.ts';
export { basePageSize } from './fields.ts';
export { LIMITS } from './limits.ts';
export { flagName, shownDefault } from './setting.ts';
export { CREDENTIAL_VARIABLES, SETTING_LIST } from './settings.ts';
export { loadConfig, readEarlySettings } from './load-config.ts';
export type { Credentials, RefreshTokenCredentials } from './credentials.ts';
export { resolveCredentials, secretValues } from './credentials.ts';
