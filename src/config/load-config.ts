import type { CliOverrides, Config } from './config.ts';
import { createEnvReader, type EnvReader } from './env-reader.ts';
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
  reader.throwIfInvalid();
  values['account'] ??= accountFromDbPath(values['dbPath'] as string);
  // Sound because SETTINGS satisfies SettingsFor<SettingValues>: each key's field yields its field.
  return values as unknown as Config;
}

/** What a run that fails on configuration can still report under (D42). */
export interface EarlySettings {
  /** null when unset or itself invalid. */
  metricsFile: string | null;
  /** null when the database path is invalid. */
  dbPath: string | null;
  /** PMP_ACCOUNT when valid, else the database's (or the default database's) base name. */
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
  const account = valid('account') as string | null;
  return {
    metricsFile: valid('metricsFile') as string | null,
    dbPath,
    account: account ?? accountFromDbPath(dbPath ?? SETTINGS.dbPath.default),
  };
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
