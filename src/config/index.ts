export type { CliOverrides, Config } from './config.ts';
export {
  DEFAULT_ACCOUNTS_URL,
  DEFAULT_DB_PATH,
  DEFAULT_SERVER_URL,
  TOKEN_BUDGET_WINDOW_MS,
  ZOHO_TOKEN_LIMIT,
} from './config.ts';
export { loadConfig } from './load-config.ts';
export { expandHome } from './fields.ts';
export type {
  Credentials,
  CredentialsIo,
  RefreshTokenCredentials,
  TokenCommandCredentials,
} from './credentials.ts';
export { resolveCredentials, secretValues } from './credentials.ts';
