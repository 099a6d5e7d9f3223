/** The shape of one entry of the settings table (settings.ts) and how --help and the README show it. */
import type { Field } from './fields.ts';

export interface Setting<T> {
  /** The environment variable; null for a flag-only switch. */
  env: string | null;
  /** The overriding CLI flag as commander spells it, e.g. `--db <path>`. */
  flag?: string;
  /** The allowed form; a function when parsing needs the home directory (`~` in paths). */
  field: Field<T> | ((homeDir: string) => Field<T>);
  /** Written as an operator would write the variable, and parsed by `field`; null = unset. */
  default: string | null;
  /** What an unset (null) default means, as --help and the README show it: stdout, none, off. */
  unset?: string;
  /** One line for --help. */
  help: string;
  /** The value is never echoed in an error message. */
  secret?: true;
}

/** One entry per Config field; a nullable field has no default and says what unset means. */
export type SettingsFor<C> = {
  [K in keyof C]-?: Setting<NonNullable<C[K]>> &
    (null extends C[K] ? { default: null; unset: string } : { default: string });
};

/** The flag's name alone: `--db <path>` → `--db`. */
export function flagName(setting: Setting<unknown>): string | undefined {
  return setting.flag?.split(' ')[0];
}

/** How the default reads in --help and the README. */
export function shownDefault(setting: Setting<unknown>): string {
  return setting.default ?? setting.unset ?? 'none';
}
