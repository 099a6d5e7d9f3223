import type { Level } from './events.ts';

/** `PMP_LOG_LEVEL` / `--log-level` values (lower case, as configured). */
export type LogLevelName = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** pino severities for our five levels; the gaps leave pino's usual 10-step spacing. */
export const PINO_LEVEL_VALUES: Readonly<Record<LogLevelName, number>> = {
  debug: 20,
  info: 30,
  warning: 40,
  error: 50,
  critical: 60,
};

export function toLevelName(level: Level): LogLevelName {
  return level.toLowerCase() as LogLevelName;
}
