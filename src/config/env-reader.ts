import { ExtractorError } from '../platform/index.ts';
import type { Field } from './fields.ts';

/** A CLI flag that overrides an environment variable; `value` undefined means "not given". */
interface FlagSource {
  name: string;
  value: string | number | undefined;
}

interface ReadOptions {
  flag?: FlagSource;
  /** Secret variables are never echoed: the message only says the value is malformed. */
  secret?: boolean;
}

export interface EnvReader {
  /**
   * The parsed value, or `fallback` when unset; a bad value is recorded and `fallback` returned.
   * `name` null: a flag-only setting, read from the flag alone.
   */
  read<T>(name: string | null, field: Field<T>, fallback: T, options?: ReadOptions): T;
  /** Like read() but with no default: null when unset. */
  readOptional<T>(name: string | null, field: Field<T>, options?: ReadOptions): T | null;
  /** Records a problem of several settings together (settings that exclude each other). */
  report(problem: string): void;
  /** Throws config_invalid listing every bad variable at once, so one fix-up round suffices. */
  throwIfInvalid(): void;
}

/** At most this many characters of a bad value are echoed back (a log line is not a dump). */
const MAX_ECHO_CHARS = 80;

/** Collects every problem instead of stopping at the first one. */
export function createEnvReader(env: Readonly<Record<string, string | undefined>>): EnvReader {
  const problems: string[] = [];

  function rawValue(
    name: string | null,
    flag: FlagSource | undefined,
  ): { label: string; raw: string } | null {
    if (flag?.value !== undefined) {
      const raw = String(flag.value).trim();
      if (raw !== '') return { label: flag.name, raw };
    }
    // Empty (or blank) environment variables count as unset: cron files often export FOO= .
    if (name === null) return null;
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? null : { label: name, raw };
  }

  function readOptional<T>(name: string | null, field: Field<T>, options: ReadOptions = {}): T | null {
    const source = rawValue(name, options.flag);
    if (source === null) return null;
    const parsed = field.schema.safeParse(source.raw);
    if (parsed.success) return parsed.data;
    problems.push(
      options.secret === true
        ? `${source.label} is malformed (value not shown because it is secret)`
        : `${source.label} must be ${field.expect} (got ${echo(source.raw)})`,
    );
    return null;
  }

  return {
    read: (name, field, fallback, options) => readOptional(name, field, options) ?? fallback,
    readOptional,
    report(problem) {
      problems.push(problem);
    },
    throwIfInvalid() {
      if (problems.length === 0) return;
      throw new ExtractorError('config_invalid', `invalid configuration: ${problems.join('; ')}`);
    },
  };
}

/** Quotes a rejected value, hiding URL credentials (user:password@) and cutting long values. */
function echo(raw: string): string {
  const hidden = raw.replace(/\/\/[^/@\s]*@/g, '//***@');
  const cut = hidden.length > MAX_ECHO_CHARS ? `${hidden.slice(0, MAX_ECHO_CHARS)}…` : hidden;
  return JSON.stringify(cut);
}
