/**
 * Which database a run uses (D103): SQLite at PMP_DB_PATH, or PostgreSQL when PMP_DB_URL holds a
 * postgres:// or postgresql:// URL, one schema per account (D104). The URL's password is a secret
 * (D105): these helpers give the forms a scrubber must know, and the URL as it may be shown.
 */
import type { Config } from './config.ts';
import type { Field } from './fields.ts';

export type DatabaseLocation =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };

/** A postgres:// or postgresql:// URL (TLS and other options ride in its query, e.g. sslmode). */
export const postgresUrl: Field<string> = {
  schema: {
    safeParse(raw) {
      if (!URL.canParse(raw)) return { success: false };
      const { protocol } = new URL(raw);
      return protocol === 'postgres:' || protocol === 'postgresql:'
        ? { success: true, data: raw }
        : { success: false };
    },
  },
  expect: 'a postgres:// or postgresql:// URL',
};

/** The longest identifier PostgreSQL keeps (NAMEDATALEN - 1), bytes; ASCII here, so characters. */
const MAX_IDENTIFIER_CHARS = 63;

/** Schemas that are not an account's: PostgreSQL's own, and the one every account shares (D104). */
const RESERVED_SCHEMAS: ReadonlySet<string> = new Set(['information_schema', 'pmp_extractor_shared']);

function isReserved(name: string): boolean {
  return name.startsWith('pg_') || RESERVED_SCHEMAS.has(name);
}

/**
 * PMP_DB_SCHEMA: a plain lowercase identifier, so it means the same quoted or not; `pg_` names are
 * reserved by PostgreSQL for its own schemas.
 */
export const schemaName: Field<string> = {
  schema: {
    safeParse(raw) {
      const ok = /^[a-z_][a-z0-9_]*$/.test(raw) && raw.length <= MAX_IDENTIFIER_CHARS && !isReserved(raw);
      return ok ? { success: true, data: raw } : { success: false };
    },
  },
  expect:
    `a schema name of 1 to ${MAX_IDENTIFIER_CHARS} lowercase letters, digits or "_", not starting with a digit or "pg_", ` +
    'and not information_schema or pmp_extractor_shared',
};

/**
 * The default schema (D104): the account name lowercased, every `-` (or other character) turned into
 * `_`, `pmp_` put in front of a name that starts with a digit or `pg_`, cut to 63 characters.
 * `Client-A` → `client_a`, `2024-eu` → `pmp_2024_eu`.
 */
export function schemaFromAccount(account: string): string {
  const plain = account.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const safe = /^[0-9]/.test(plain) || isReserved(plain) ? `pmp_${plain}` : plain;
  return safe.slice(0, MAX_IDENTIFIER_CHARS);
}

/**
 * The default account with PostgreSQL (D104), as the file name is SQLite's: the database name in the
 * URL's path, other characters replaced by `_`; `default` when the URL names none.
 */
export function accountFromDbUrl(url: string): string {
  let name = new URL(url).pathname.replace(/^\/+/, '');
  try {
    name = decodeURIComponent(name);
  } catch {
    // Malformed escapes: the name as written.
  }
  const account = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return account === '' ? 'default' : account;
}

export function databaseLocation(config: Pick<Config, 'dbPath' | 'dbUrl' | 'dbSchema'>): DatabaseLocation {
  return config.dbUrl === null
    ? { kind: 'sqlite', path: config.dbPath }
    : { kind: 'postgres', url: config.dbUrl, schema: config.dbSchema };
}

/** Stands in for the password wherever the URL is shown. */
const MASK = '***';

/** The URL with its password (userinfo or `?password=`) replaced by `***`, for people and logs. */
export function maskedDbUrl(url: string): string {
  return replacePassword(url, MASK);
}

/** The URL without its password, for the hook (which brings its own, e.g. PGPASSWORD or ~/.pgpass). */
export function dbUrlWithoutPassword(url: string): string {
  return replacePassword(url, null);
}

function replacePassword(raw: string, replacement: string | null): string {
  const url = new URL(raw);
  if (url.password !== '') url.password = replacement ?? '';
  if (url.searchParams.has('password')) {
    if (replacement === null) url.searchParams.delete('password');
    else url.searchParams.set('password', replacement);
  }
  return url.toString();
}

/** Where the data lives, as `--status`, `check` and run_start show it: never with the password. */
export function databaseLabel(location: DatabaseLocation): string {
  return location.kind === 'sqlite'
    ? location.path
    : `${maskedDbUrl(location.url)} (schema ${location.schema})`;
}

/**
 * The password of a database URL in every form it may take in a message: as written in the URL,
 * as the URL parser re-encodes it, and decoded; also a `?password=` parameter. Empty for none or
 * for text that is not a URL.
 */
export function dbUrlSecrets(raw: string | null | undefined): string[] {
  if (raw === null || raw === undefined || !URL.canParse(raw)) return [];
  const url = new URL(raw);
  const forms = [url.password, rawPassword(raw), url.searchParams.get('password') ?? ''];
  for (const form of [...forms]) {
    try {
      forms.push(decodeURIComponent(form));
    } catch {
      // Not percent-decodable: the written form is registered already.
    }
  }
  return [...new Set(forms)].filter((form) => form !== '');
}

/** The password exactly as written between `user:` and the last `@` of the authority. */
function rawPassword(raw: string): string {
  const authority = (raw.split('://')[1] ?? '').split(/[/?#]/)[0] ?? '';
  const at = authority.lastIndexOf('@');
  if (at === -1) return '';
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return colon === -1 ? '' : userinfo.slice(colon + 1);
}
