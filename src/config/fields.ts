import { isLoopbackHost, LOG_LEVELS, type LogLevel } from '../platform/index.ts';
import { LIMITS } from './limits.ts';

/** What a field's parser returns: zod's safeParse shape, which env-reader and load-config read. */
type Parsed<T> = { success: true; data: T } | { success: false };

/**
 * One kind of configuration value: a parser of the raw string, and the expected form in words, used
 * in the operator's error message ("PMP_X must be <expect> (got "...")"). Plain functions, not zod
 * (D67): every run parses its configuration, and importing zod alone costs about 14 MB resident.
 */
export interface Field<T> {
  schema: { safeParse(raw: string): Parsed<T> };
  expect: string;
}

const FAILED = { success: false } as const;

/** A field from a function that returns the value, or undefined when `raw` does not fit. */
function field<T>(parse: (raw: string) => T | undefined, expect: string): Field<T> {
  return {
    schema: {
      safeParse(raw) {
        const data = parse(raw);
        return data === undefined ? FAILED : { success: true, data };
      },
    },
    expect,
  };
}

/** A whole number in [min, max]; no max means any safe integer. */
export function wholeNumber(min: number, max?: number): Field<number> {
  const upper = max ?? Number.MAX_SAFE_INTEGER;
  return field(
    (raw) => {
      if (!/^\d+$/.test(raw)) return undefined;
      const value = Number(raw);
      return Number.isSafeInteger(value) && value >= min && value <= upper ? value : undefined;
    },
    max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
  );
}

/**
 * PMP_PAGE_SIZE: a whole number from 1 to 1000 sent as `pagelimit`, or `auto` (any case, D74): probe
 * the largest page size the server honours, up to 1000, and fall back to 25.
 */
export const pageSize: Field<number | 'auto'> = (() => {
  const count = wholeNumber(1, 1000);
  return field((raw) => {
    if (raw.toLowerCase() === 'auto') return 'auto';
    const parsed = count.schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }, `${count.expect}, or auto`);
})();

/** The `pagelimit` of a request that names none: the configured size, or auto's base of 25 (D74). */
export function basePageSize(setting: number | 'auto'): number {
  return setting === 'auto' ? LIMITS.autoPageSizeBase : setting;
}

/** A percentage above 0 and at most 100, decimals allowed. */
export const percent: Field<number> = field((raw) => {
  if (!/^\d+(\.\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  return value > 0 && value <= 100 ? value : undefined;
}, 'a number above 0 and at most 100');

/**
 * Hours, decimals allowed, 0 included (PMP_REFRESH_HOURS, D110: 0 = never). At most ten years, so
 * the interval in ms stays an exact integer.
 */
export const hours: Field<number> = field((raw) => {
  if (!/^\d+(\.\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= 87_600 ? value : undefined;
}, 'a number of hours from 0 to 87600 (decimals allowed, 0 = never)');

/**
 * An https URL (D17) without embedded credentials (http only on a literal loopback host, D26, for the
 * simulator: tokens and client secrets must never cross a network in clear text), trailing slashes
 * removed so callers can append paths. URLs carrying user:password are refused (and, as secrets, never echoed: see load-config).
 */
export const httpUrl: Field<string> = field((raw) => {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  const allowed =
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) &&
    url.username === '' &&
    url.password === '';
  return allowed ? raw.replace(/\/+$/, '') : undefined;
}, 'an https:// URL without credentials (http:// only on localhost)');

const LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = { warn: 'warning', fatal: 'critical' };

/** debug | info | warning | error | critical, any case; `warn` and `fatal` are accepted aliases. */
export const logLevel: Field<LogLevel> = field(
  (raw) => {
    const lower = raw.toLowerCase();
    const level = LEVEL_ALIASES[lower] ?? lower;
    return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined;
  },
  `one of ${LOG_LEVELS.join(', ')}`,
);

/** Letters, digits, `-`, `_` (D41): safe as a metric label, a file name and a Postgres schema. */
export const accountName: Field<string> = field(
  (raw) => (/^[A-Za-z0-9_-]{1,64}$/.test(raw) ? raw : undefined),
  'an account name of 1 to 64 letters, digits, "-" or "_" (e.g. client-a)',
);

/**
 * The default account (D41): the database file's base name without its extension
 * (`~/.../pmp_config.db` → `pmp_config`), any other character replaced by `_`.
 */
export function accountFromDbPath(dbPath: string): string {
  const base = dbPath.split('/').pop() ?? '';
  const stem = base.includes('.') && !base.startsWith('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const name = stem.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return name === '' ? 'default' : name;
}

/** A file path; `~` and `~/...` expand to the home directory. */
export function filePath(homeDir: string): Field<string> {
  return field((raw) => expandHome(raw, homeDir), 'a file path');
}

export function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return `${homeDir.replace(/\/+$/, '')}/${path.slice(2)}`;
  return path;
}

/** Any non-empty text, kept verbatim (hook commands, webhook URLs). */
export const text: Field<string> = field((raw) => raw, 'text');

/** PMP_TOKEN_BUDGET: the request count, capped at Zoho's own limit; the window is Zoho's and fixed. */
export const tokenBudget: Field<{ maxRequests: number; windowMs: number }> = (() => {
  // A higher budget would only let Zoho lock the client out.
  const count = wholeNumber(1, LIMITS.zohoTokenLimit);
  return field((raw) => {
    const parsed = count.schema.safeParse(raw);
    return parsed.success ? { maxRequests: parsed.data, windowMs: LIMITS.tokenBudgetWindowMs } : undefined;
  }, count.expect);
})();

/** A flag-only switch: commander's `true` when the flag is given. */
export const flagSwitch: Field<boolean> = field((raw) => raw === 'true', 'a switch');
