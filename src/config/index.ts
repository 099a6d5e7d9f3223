export type { CliOverrides, Config } from './config.ts';
export { basePageSize } from './fields.ts';
export { LIMITS } from './limits.ts';
export { flagName, shownDefault } from './setting.ts';
export { SETTING_LIST } from './settings.ts';
export { loadConfig, readEarlySettings } from './load-config.ts';
export type { Credentials, RefreshTokenCredentials } from './credentials.ts';
export { budgetClientId, CREDENTIAL_VARIABLES, resolveCredentials, secretValues } from './credentials.ts';
export {
  databaseLabel,
  databaseLocation,
  type DatabaseLocation,
  dbUrlSecrets,
  dbUrlWithoutPassword,
} from './database.ts';
