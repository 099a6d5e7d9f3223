export type { CliOverrides, Config } from './config.ts';
export { loadConfig } from './load-config.ts';
export type { Credentials, RefreshTokenCredentials } from './credentials.ts';
export { resolveCredentials, secretValues } from './credentials.ts';
