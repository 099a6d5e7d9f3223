import { readFileSync, statSync } from 'node:fs';
import { errorCodeOf, ExtractorError } from '../platform/index.ts';
import { expandHome } from './fields.ts';
import { parseCredentialsFile } from './credentials-file.ts';

/** Self Client credentials for Zoho's refresh-token grant. All three values except clientId are secret. */
export interface RefreshTokenCredentials {
  kind: 'refresh_token';
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** An external program (an existing OAuth manager, macOS Keychain, ...) that prints an access token. */
interface TokenCommandCredentials {
  kind: 'token_command';
  command: string;
}

export type Credentials = RefreshTokenCredentials | TokenCommandCredentials;

export interface CredentialsIo {
  readFile?: (path: string) => string;
  statFile?: (path: string) => { mode: number };
  /** Expands a leading `~` in PMP_CREDENTIALS_FILE; without it the path is used as given. */
  homeDir?: string;
}

const ENV_TRIO = ['PMP_CLIENT_ID', 'PMP_CLIENT_SECRET', 'PMP_REFRESH_TOKEN'] as const;

const NO_CREDENTIALS =
  'no credentials configured; use one of: (1) PMP_CLIENT_ID, PMP_CLIENT_SECRET and PMP_REFRESH_TOKEN ' +
  '(Zoho Self Client); (2) PMP_CREDENTIALS_FILE, a JSON file {client_id, client_secret, refresh_token} ' +
  'with mode 0600; (3) PMP_TOKEN_COMMAND, a command that prints an access token or ' +
  '{"access_token": ..., "expires_in": ...}';

/**
 * Resolves credentials in decision D2's order: the three environment variables, then
 * PMP_CREDENTIALS_FILE, then PMP_TOKEN_COMMAND. Throws config_invalid with an actionable message
 * that never contains a secret value. Empty variables count as unset.
 */
export function resolveCredentials(
  env: Readonly<Record<string, string | undefined>>,
  io: CredentialsIo = {},
): Credentials {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const [clientId, clientSecret, refreshToken] = ENV_TRIO.map(get);
  if (clientId !== undefined || clientSecret !== undefined || refreshToken !== undefined) {
    if (clientId !== undefined && clientSecret !== undefined && refreshToken !== undefined) {
      return { kind: 'refresh_token', clientId, clientSecret, refreshToken };
    }
    const missing = ENV_TRIO.filter((name) => get(name) === undefined);
    throw new ExtractorError(
      'config_invalid',
      `${ENV_TRIO.join(', ')} must be set together; missing: ${missing.join(', ')}`,
    );
  }

  const file = get('PMP_CREDENTIALS_FILE');
  if (file !== undefined) {
    const path = io.homeDir === undefined ? file : expandHome(file, io.homeDir);
    return readCredentialsFile(path, io);
  }

  const command = get('PMP_TOKEN_COMMAND');
  if (command !== undefined) return { kind: 'token_command', command };

  throw new ExtractorError('config_invalid', NO_CREDENTIALS);
}

function readCredentialsFile(path: string, io: CredentialsIo): RefreshTokenCredentials {
  const statFile = io.statFile ?? statSync;
  const readFile = io.readFile ?? ((p: string) => readFileSync(p, 'utf8'));

  const cannotRead = (error: unknown): ExtractorError =>
    new ExtractorError('config_invalid', `PMP_CREDENTIALS_FILE ${path} cannot be read (${errno(error)})`);

  let mode: number;
  try {
    mode = statFile(path).mode;
  } catch (error) {
    throw cannotRead(error);
  }
  // Checked before reading: a group- or world-readable secret is refused, not merely warned about.
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ExtractorError(
      'config_invalid',
      `PMP_CREDENTIALS_FILE ${path} is accessible by group or others (mode ${octal}); ` +
        `it holds secrets, so run: chmod 600 ${path}`,
    );
  }
  let content: string;
  try {
    content = readFile(path);
  } catch (error) {
    throw cannotRead(error);
  }
  return { kind: 'refresh_token', ...parseCredentialsFile(content, path) };
}

/** Only the error code (ENOENT, EACCES, ...): fs messages are safe, but codes are all an operator needs. */
function errno(error: unknown): string {
  return errorCodeOf(error) ?? 'unreadable';
}

/** The secret strings a log scrubber must redact wherever they appear. */
export function secretValues(credentials: Credentials): string[] {
  return credentials.kind === 'refresh_token' ? [credentials.clientSecret, credentials.refreshToken] : [];
}

/** The Zoho client id the token budget is kept under in PostgreSQL (D104); null when unknown. */
export function budgetClientId(credentials: Credentials): string | null {
  return credentials.kind === 'refresh_token' ? credentials.clientId : null;
}

/** Credentials are not settings (resolveCredentials, first match wins); listed for --help. */
export const CREDENTIAL_VARIABLES: readonly { env: string; help: string }[] = [
  {
    env: 'PMP_CLIENT_ID, PMP_CLIENT_SECRET, PMP_REFRESH_TOKEN',
    help: 'Self Client credentials (refresh-token grant)',
  },
  { env: 'PMP_CREDENTIALS_FILE', help: 'JSON {client_id, client_secret, refresh_token}; must be mode 0600' },
  { env: 'PMP_TOKEN_COMMAND', help: 'command printing an access token (bare or {access_token, expires_in})' },
];
