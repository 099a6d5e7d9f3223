import type { CliOverrides, Config } from './config.ts';
import { createEnvReader, type EnvReader } from './env-reader.ts';
import { accountFromDbUrl, type DatabaseLocation, schemaFromAccount } from './database.ts';
import { accountFromDbPath, type Field } from './fields.ts';
import { flagName, type Setting } from './setting.ts';
import { SETTING_LIST, SETTINGS, type SettingKey } from './settings.ts';

/**
 * env + CLI flags → validated Config (decision D2), one value per entry of the settings table.
 * Flags win over the environment; empty variables count as unset. Throws
 * ExtractorError('config_invalid') naming every bad variable and its expected form; secret values
 * are never echoed.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: CliOverrides,
  homeDir: string,
): Config {
  const reader = createEnvReader(env);
  const values: Record<string, unknown> = {};
  for (const [key, setting] of SETTING_LIST) {
    const override: unknown = (overrides as Record<string, unknown>)[key];
    values[key] = readSetting(reader, setting, override, homeDir);
  }
  if (values['dbUrl'] !== null && isGiven('dbPath', env, overrides)) reader.report(BOTH_DATABASES);
  reader.throwIfInvalid();
  values['account'] ??= defaultAccount(values['dbUrl'] as string | null, values['dbPath'] as string);
  values['dbSchema'] ??= schemaFromAccount(values['account'] as string);
  // Sound because SETTINGS satisfies SettingsFor<SettingValues>: each key's field yields its field.
  return values as unknown as Config;
}

/** D103: one database per run, so a URL and an explicit path together are a configuration error. */
const BOTH_DATABASES =
  'PMP_DB_URL / --db-url and PMP_DB_PATH / --db are both set: the URL selects PostgreSQL and the path ' +
  'SQLite; unset one of them';

/** The default account (D41, D104): the SQLite file's name, or the PostgreSQL database's. */
function defaultAccount(dbUrl: string | null, dbPath: string): string {
  return dbUrl === null ? accountFromDbPath(dbPath) : accountFromDbUrl(dbUrl);
}

/** The setting has a non-blank flag or variable, valid or not. */
function isGiven(
  key: SettingKey,
  env: Readonly<Record<string, string | undefined>>,
  overrides: CliOverrides,
): boolean {
  const flag: unknown = (overrides as Record<string, unknown>)[key];
  if (typeof flag === 'string' ? flag.trim() !== '' : flag !== undefined) return true;
  const name = SETTINGS[key].env;
  return name !== null && (env[name]?.trim() ?? '') !== '';
}

/** What a run that fails on configuration can still report under (D42). */
export interface EarlySettings {
  /** null when unset or itself invalid. */
  metricsFile: string | null;
  /** null when the database setting is invalid, or when both a URL and a path are given. */
  database: DatabaseLocation | null;
  /** PMP_ACCOUNT when valid, else the database's (or the default database's) name. */
  account: string;
}

/**
 * The settings a configuration error must not hide, each read on its own, so that one bad value
 * elsewhere still lets the run write its exit code to the metrics file and name its account (D42).
 */
export function readEarlySettings(
  env: Readonly<Record<string, string | undefined>>,
  overrides: CliOverrides,
  homeDir: string,
): EarlySettings {
  const valid = (key: SettingKey): unknown => {
    const reader = createEnvReader(env);
    const value = readSetting(reader, SETTINGS[key], (overrides as Record<string, unknown>)[key], homeDir);
    try {
      reader.throwIfInvalid();
      return value;
    } catch {
      // This setting is invalid too; loadConfig's error names it.
      return null;
    }
  };
  const dbPath = valid('dbPath') as string | null;
  const dbUrl = valid('dbUrl') as string | null;
  const account =
    (valid('account') as string | null) ?? defaultAccount(dbUrl, dbPath ?? SETTINGS.dbPath.default);
  const schema = valid('dbSchema') as string | null;
  let database: DatabaseLocation | null = null;
  if (!isGiven('dbUrl', env, overrides)) {
    database = dbPath === null ? null : { kind: 'sqlite', path: dbPath };
  } else if (dbUrl !== null && !isGiven('dbPath', env, overrides)) {
    // A schema that was given but is invalid names no schema we could read.
    const unreadable = schema === null && isGiven('dbSchema', env, overrides);
    if (!unreadable)
      database = { kind: 'postgres', url: dbUrl, schema: schema ?? schemaFromAccount(account) };
  }
  return { metricsFile: valid('metricsFile') as string | null, database, account };
}

function readSetting(
  reader: EnvReader,
  setting: Setting<unknown>,
  override: unknown,
  homeDir: string,
): unknown {
  const field = typeof setting.field === 'function' ? setting.field(homeDir) : setting.field;
  const name = flagName(setting);
  const options = {
    ...(name === undefined ? {} : { flag: { name, value: flagValue(override) } }),
    ...(setting.secret === true ? { secret: true } : {}),
  };
  if (setting.default === null) return reader.readOptional(setting.env, field, options);
  return reader.read(setting.env, field, parseDefault(setting.default, field), options);
}

/** Flags arrive as text, numbers (tests) or commander's `true` for a switch. */
function flagValue(override: unknown): string | number | undefined {
  if (typeof override === 'string' || typeof override === 'number') return override;
  return override === true ? 'true' : undefined;
}

/** A default is written like the variable's value; one that does not parse is a bug in the table. */
function parseDefault<T>(raw: string, field: Field<T>): T {
  const parsed = field.schema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`settings table: default ${JSON.stringify(raw)} is not ${field.expect}`);
  return parsed.data;
}
