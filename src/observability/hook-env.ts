/**
 * Where the hook finds the data: PMP_DB_PATH for SQLite (D10); for PostgreSQL the URL without its
 * password and the schema (D107), and no PMP_DB_PATH.
 */
export type HookDatabase = { PMP_DB_PATH: string } | { PMP_DB_URL: string; PMP_DB_SCHEMA: string };

/** The variables D10 hands to POST_EXTRACTION_HOOK. */
export interface HookVariables {
  PMP_SNAPSHOT_ID: number | null;
  PMP_COVERAGE_PCT: number;
  PMP_TARGET_MET: boolean;
  PMP_EXIT_CODE: number;
  database: HookDatabase;
}

/** Replaced by HookDatabase's, never inherited: the inherited PMP_DB_URL carries the password. */
const DATABASE_VARIABLES: readonly string[] = ['PMP_DB_PATH', 'PMP_DB_URL', 'PMP_DB_SCHEMA'];

/**
 * Credentials the hook never sees: it is an arbitrary shell command and its own logs are outside
 * our redaction. A hook that needs the API must bring its own credentials.
 */
export const SECRET_VARIABLES: readonly string[] = [
  'PMP_CLIENT_SECRET',
  'PMP_REFRESH_TOKEN',
  'SLACK_WEBHOOK_URL',
  // The command line can carry a secret inline (`curl ...&client_secret=...`), and re-running it
  // would mint a token the hook has no business holding (D3).
  'PMP_TOKEN_COMMAND',
];

/**
 * baseEnv minus the withheld credentials and database variables, plus the D10 variables (as
 * strings: "true"/"false") and the database's.
 */
export function buildHookEnv(
  baseEnv: Readonly<Record<string, string | undefined>>,
  variables: HookVariables,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(baseEnv)) {
    if (value === undefined || SECRET_VARIABLES.includes(name) || DATABASE_VARIABLES.includes(name)) continue;
    env[name] = value;
  }
  env['PMP_SNAPSHOT_ID'] = variables.PMP_SNAPSHOT_ID === null ? '' : `${variables.PMP_SNAPSHOT_ID}`;
  env['PMP_COVERAGE_PCT'] = `${variables.PMP_COVERAGE_PCT}`;
  env['PMP_TARGET_MET'] = variables.PMP_TARGET_MET ? 'true' : 'false';
  env['PMP_EXIT_CODE'] = `${variables.PMP_EXIT_CODE}`;
  Object.assign(env, variables.database);
  return env;
}
