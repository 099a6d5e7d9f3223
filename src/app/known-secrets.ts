/**
 * The secrets known before anything is logged: the secret environment variables (D3) and the
 * password of the PostgreSQL URL, from PMP_DB_URL or --db-url (D105). Credentials and access tokens
 * join the registry later, as they are resolved and minted.
 */
import { type CliOverrides, dbUrlSecrets } from '../config/index.ts';
import { SECRET_VARIABLES, SecretRegistry } from '../observability/index.ts';

export function knownSecrets(
  env: Readonly<Record<string, string | undefined>>,
  flags: CliOverrides,
): SecretRegistry {
  const secrets = new SecretRegistry();
  for (const name of SECRET_VARIABLES) secrets.add(env[name]);
  for (const url of [env['PMP_DB_URL'], flags.dbUrl]) {
    for (const password of dbUrlSecrets(url?.trim())) secrets.add(password);
  }
  return secrets;
}
