/**
 * Connecting with node-postgres (D95). The URL goes to pg as it is, so TLS options (`sslmode`,
 * `sslrootcert`, ...) pass through its URL parsing. A failure becomes one actionable
 * `database_error` line that names the host, port, database and user, never the password: the URL
 * itself is not quoted, and the password (raw and percent-decoded) is scrubbed from anything the
 * driver or the server said.
 */
import pg from 'pg';
import { errorCodeOf, ExtractorError } from '../platform/index.ts';
import { oneLine } from './errors.ts';
import { pgSqlClient, type SqlClient } from './sql-client.ts';

export interface ConnectOptions {
  /** Shown in pg_stat_activity; default `pmp-extractor`. */
  applicationName?: string;
  /** How long to wait for the server to accept, in ms. Default 10000. */
  connectTimeoutMs?: number;
  /** How long a statement waits for a row or table lock before failing busy (exit 3), in ms. Default 5000. */
  lockTimeoutMs?: number;
}

interface Target {
  /** `user@host:port/database`, for messages. */
  where: string;
  host: string;
  port: string;
  user: string;
  database: string;
  secrets: string[];
}

function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ExtractorError(
      'database_error',
      'The PostgreSQL URL is not a valid URL (expected postgres://user:password@host:5432/database); ' +
        'check PMP_DB_URL / --db-url.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ExtractorError(
      'database_error',
      `The PostgreSQL URL must start with postgres:// or postgresql://, not ${parsed.protocol}//; ` +
        'check PMP_DB_URL / --db-url.',
    );
  }
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const user = decode(parsed.username) || '(default user)';
  const host = parsed.searchParams.get('host') ?? (decode(parsed.hostname) || 'localhost');
  const port = parsed.port || '5432';
  const database = decode(parsed.pathname.replace(/^\//, '')) || user;
  const secrets = [parsed.password, decode(parsed.password)].filter((secret) => secret !== '');
  return { where: `${user}@${host}:${port}/${database}`, host, port, user, database, secrets };
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('***'), oneLine(text));
}

const TLS_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_TLS_|ERR_SSL_)/;

function describeFailure(target: Target, error: unknown, timeoutMs: number): string {
  const code = errorCodeOf(error) ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const { where, host, port, user, database } = target;
  switch (code) {
    case '28P01':
      return `PostgreSQL at ${where} refused the password of user "${user}". Check the password in PMP_DB_URL / --db-url.`;
    case '28000':
      return `PostgreSQL at ${where} refused user "${user}": ${detail}. Check the user in PMP_DB_URL and the server's pg_hba.conf.`;
    case '3D000':
      return `PostgreSQL at ${host}:${port} has no database "${database}". Create it or fix the database name in PMP_DB_URL.`;
    case 'ECONNREFUSED':
      return `Cannot connect to PostgreSQL at ${host}:${port}: connection refused. Check that the server runs and listens there (host and port in PMP_DB_URL).`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot resolve the PostgreSQL host "${host}" (${code}). Check the host in PMP_DB_URL.`;
  }
  if (/timeout/i.test(detail) || code === 'ETIMEDOUT') {
    return `PostgreSQL at ${where} did not answer within ${timeoutMs / 1000} s. Check the host, port and firewall.`;
  }
  if (TLS_CODES.test(code) || /\b(ssl|tls|certificate)\b/i.test(detail)) {
    return `TLS to PostgreSQL at ${where} failed: ${detail}. Check sslmode (and sslrootcert) in PMP_DB_URL.`;
  }
  return `Cannot connect to PostgreSQL at ${where}: ${detail}. Check PMP_DB_URL / --db-url.`;
}

/** A connected pg.Client (the run lock needs its events); errors as described above. */
export async function connectPgClient(
  url: string,
  options: ConnectOptions & { queryTimeoutMs?: number } = {},
): Promise<pg.Client> {
  const target = parseTarget(url);
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const client = new pg.Client({
    connectionString: url,
    application_name: options.applicationName ?? 'pmp-extractor',
    connectionTimeoutMillis: timeoutMs,
    keepAlive: true,
    ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }),
  });
  // An idle connection's failure is emitted, not thrown: without a listener it would crash the
  // process. The next query then fails, and that failure is what the store reports.
  client.on('error', () => undefined);
  try {
    await client.connect();
    // Set here, not as a startup parameter: PgBouncer refuses startup parameters it does not know.
    await client.query(`SET lock_timeout = ${Math.max(0, Math.trunc(options.lockTimeoutMs ?? 5000))}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    // No `cause`: the driver's error is what the scrubbed message is made from, and a logger that
    // printed causes would print it unscrubbed.
    throw new ExtractorError(
      'database_error',
      scrub(describeFailure(target, error, timeoutMs), target.secrets),
    );
  }
  return client;
}

/** One connection for a store (which then owns it: Store.close() ends it). */
export async function connectPostgres(
  url: string,
  options: ConnectOptions = {},
): Promise<SqlClient & { close(): Promise<void> }> {
  return pgSqlClient(await connectPgClient(url, options));
}
