export type { CliOverrides, Config, LogLevel } from './config.ts';
export { LOG_LEVELS } from './config.ts';
export type { Setting, SettingKey } from './settings.ts';
export { CREDENTIAL_VARIABLES, flagName, LIMITS, SETTING_LIST, SETTINGS, shownDefault } from './settings.ts';
export { loadConfig } from './load-config.ts';
export { expandHome } from './fields.ts';
export type {
  Credentials,
  CredentialsIo,
  RefreshTokenCredentials,
  TokenCommandCredentials,
} from './credentials.ts';
export { resolveCredentials, secretValues } from './credentials.ts';
