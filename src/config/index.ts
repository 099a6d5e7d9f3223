export type { CliOverrides, Config, LogLevel } from './config.ts';
export { LOG_LEVELS } from './config.ts';
export { LIMITS } from './limits.ts';
export type { Setting } from './setting.ts';
export { flagName, shownDefault } from './setting.ts';
export type { SettingKey } from './settings.ts';
export { CREDENTIAL_VARIABLES, SETTING_LIST, SETTINGS } from './settings.ts';
export { loadConfig } from './load-config.ts';
export { expandHome } from './fields.ts';
export type {
  Credentials,
  CredentialsIo,
  RefreshTokenCredentials,
  TokenCommandCredentials,
} from './credentials.ts';
export { resolveCredentials, secretValues } from './credentials.ts';
