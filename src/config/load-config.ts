import type { CliOverrides, Config } from './config.ts';
import { createEnvReader, type EnvReader } from './env-reader.ts';
import type { Field } from './fields.ts';
import { flagName, type Setting } from './setting.ts';
import { SETTING_LIST } from './settings.ts';

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
  // Sound because SETTINGS satisfies SettingsFor<Config>: each key's field yields that Config field.
  return values as unknown as Config;
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
