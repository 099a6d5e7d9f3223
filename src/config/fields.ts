import { z } from 'zod';
import { isLoopbackHost, LOG_LEVELS, type LogLevel } from '../platform/index.ts';
import { LIMITS } from './limits.ts';

/**
 * One kind of configuration value: a zod schema that parses the raw string, and the expected form
 * in words, used in the operator's error message ("PMP_X must be <expect> (got "...")").
 */
export interface Field<T> {
  schema: z.ZodType<T, string>;
  expect: string;
}

const digits = z.string().regex(/^\d+$/).transform(Number);

/** A whole number in [min, max]; no max means any safe integer. */
export function wholeNumber(min: number, max?: number): Field<number> {
  const upper = max ?? Number.MAX_SAFE_INTEGER;
  return {
    schema: digits.pipe(z.number().int().min(min).max(upper)),
    expect: max === undefined ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`,
  };
}

/** A percentage above 0 and at most 100, decimals allowed. */
export const percent: Field<number> = {
  schema: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number)
    .pipe(z.number().gt(0).lte(100)),
  expect: 'a number above 0 and at most 100',
};

/**
 * An https URL (D17) without embedded credentials (http only on a literal loopback host, D26, for the
 * simulator: tokens and client secrets must never cross a network in clear text), trailing slashes
 * removed so callers can append paths. URLs carrying user:password are refused (and, as secrets, never echoed: see load-config).
 */
export const httpUrl: Field<string> = {
  schema: z
    .string()
    .refine((raw) => {
      if (!URL.canParse(raw)) return false;
      const url = new URL(raw);
      return (
        (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) &&
        url.username === '' &&
        url.password === ''
      );
    })
    .transform((raw) => raw.replace(/\/+$/, '')),
  expect: 'an https:// URL without credentials (http:// only on localhost)',
};

const LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = { warn: 'warning', fatal: 'critical' };

/** debug | info | warning | error | critical, any case; `warn` and `fatal` are accepted aliases. */
export const logLevel: Field<LogLevel> = {
  schema: z
    .string()
    .transform((raw) => raw.toLowerCase())
    .transform((lower) => LEVEL_ALIASES[lower] ?? lower)
    .pipe(z.enum(LOG_LEVELS)),
  expect: `one of ${LOG_LEVELS.join(', ')}`,
};

/** Letters, digits, `-`, `_` (D41): safe as a metric label, a file name and a Postgres schema. */
export const accountName: Field<string> = {
  schema: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  expect: 'an account name of 1 to 64 letters, digits, "-" or "_" (e.g. client-a)',
};

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
  return {
    schema: z.string().transform((raw) => expandHome(raw, homeDir)),
    expect: 'a file path',
  };
}

export function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return `${homeDir.replace(/\/+$/, '')}/${path.slice(2)}`;
  return path;
}

/** Any non-empty text, kept verbatim (hook commands, webhook URLs). */
export const text: Field<string> = { schema: z.string(), expect: 'text' };

/** PMP_TOKEN_BUDGET: the request count, capped at Zoho's own limit; the window is Zoho's and fixed. */
export const tokenBudget: Field<{ maxRequests: number; windowMs: number }> = {
  // A higher budget would only let Zoho lock the client out.
  schema: wholeNumber(1, LIMITS.zohoTokenLimit).schema.transform((maxRequests) => ({
    maxRequests,
    windowMs: LIMITS.tokenBudgetWindowMs,
  })),
  expect: wholeNumber(1, LIMITS.zohoTokenLimit).expect,
};

/** A flag-only switch: commander's `true` when the flag is given. */
export const flagSwitch: Field<boolean> = {
  schema: z.string().transform((raw) => raw === 'true'),
  expect: 'a switch',
};
