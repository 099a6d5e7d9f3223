import { ExtractorError } from '../platform/index.ts';

/** Each value may be spelled snake_case (Zoho's own spelling) or camelCase. */
const KEYS = [
  ['clientId', 'client_id'],
  ['clientSecret', 'client_secret'],
  ['refreshToken', 'refresh_token'],
] as const;

export interface FileCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * Parses the credentials file's JSON. The content is never quoted back, not even through the
 * SyntaxError (V8's message includes a snippet of the input), so errors carry no cause.
 */
export function parseCredentialsFile(content: string, path: string): FileCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ExtractorError(
      'config_invalid',
      `PMP_CREDENTIALS_FILE ${path} is malformed: expected a JSON object ` +
        '{"client_id", "client_secret", "refresh_token"} (content not shown because it is secret)',
    );
  }
  const record = parsed as Record<string, unknown>;
  const values: Partial<Record<keyof FileCredentials, string>> = {};
  const missing: string[] = [];
  for (const [camel, snake] of KEYS) {
    const value = pick(record[snake]) ?? pick(record[camel]);
    if (value === undefined) missing.push(snake);
    else values[camel] = value;
  }
  const { clientId, clientSecret, refreshToken } = values;
  if (clientId === undefined || clientSecret === undefined || refreshToken === undefined) {
    throw new ExtractorError(
      'config_invalid',
      `PMP_CREDENTIALS_FILE ${path} is missing or has non-text values for: ${missing.join(', ')}`,
    );
  }
  return { clientId, clientSecret, refreshToken };
}

function pick(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
