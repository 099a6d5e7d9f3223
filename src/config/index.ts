export type { CliOverrides, Config } from './config.ts';
export { LIMITS } from './limits.ts';
export { flagName, shownDefault } from './setting.ts';
export { CREDENTIAL_VARIABLES, SETTING_LIST } from './settings.ts';
export { loadConfig, readEarlySettings } from './load-config.ts';
export type { Credentials, RefreshTokenCredentials } from './credentials.ts';
export { budgetClientId, resolveCredentials, secretValues } from './credentials.ts';
export {
  databaseLabel,
  databaseLocation,
  type DatabaseLocation,
  dbUrlSecrets,
  dbUrlWithoutPassword,
} from './database.ts';
