import { pino } from 'pino';
import type { Clock, EventLogger, EventMap, EventType, Level, LogLevel } from '../platform/index.ts';
import { EVENT_FIELDS } from './event-fields.ts';
import { describeEvent } from './event-messages.ts';
import { DEFAULT_LEVELS, PINO_LEVEL_VALUES, toLevelName } from './levels.ts';
import { redactText } from '../platform/index.ts';
import type { SecretRegistry } from './secrets.ts';

/** Where JSON lines go: a pino/sonic-boom destination, a Writable, or a test sink. */
export interface LogDestination {
  write(line: string): unknown;
  flushSync?: () => void;
}

export interface EventLoggerOptions {
  destination: LogDestination;
  clock: Clock;
  /** Lowest level written; lower events are dropped. */
  level: LogLevel;
  secrets: SecretRegistry;
  /** The account (D41), written as `account` on every line; omitted only by unit tests. */
  account?: string;
}

export interface FlushableEventLogger extends EventLogger {
  withSnapshot(snapshotId: number): FlushableEventLogger;
  /** Pushes buffered lines to the destination; a no-op for the synchronous destinations we use. */
  flush(): void;
}

type PinoEvents = pino.Logger<LogLevel>;

/**
 * Renders every event as one JSON line: `level` (DEBUG…CRITICAL), `timestamp` (UTC ISO with ms and
 * Z, from the injected clock), `event_type`, `account` (D41), `snapshot_id` when bound, then the event's allow-listed
 * fields with every string scrubbed of secrets, emails and IPs and cut to 1 KB, and last `msg`: a
 * short sentence for people (event-messages.ts), scrubbed the same way, so `pino-pretty` shows
 * something useful. No pid, hostname or numeric time. Consumers must read keys by name: pino writes
 * `level` before `timestamp`.
 */
export function createEventLogger(options: EventLoggerOptions): FlushableEventLogger {
  const { destination, clock, secrets } = options;
  const output: PinoEvents = pino(
    {
      level: options.level,
      customLevels: PINO_LEVEL_VALUES,
      useOnlyCustomLevels: true,
      base: null,
      timestamp: () => `,"timestamp":"${new Date(clock.nowMs()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label.toUpperCase() }) },
    },
    destination,
  );
  const flush = (): void => {
    try {
      destination.flushSync?.();
    } catch {
      // Nothing buffered, or the fd is gone: there is nowhere left to report it.
    }
  };
  return bind({ output, secrets, flush, account: options.account ?? null }, null);
}

interface Bound {
  output: PinoEvents;
  secrets: SecretRegistry;
  flush: () => void;
  account: string | null;
}

function bind(bound: Bound, snapshotId: number | null): FlushableEventLogger {
  const { output, secrets, flush } = bound;
  return {
    emit<K extends EventType>(type: K, fields: EventMap[K], level?: Level): void {
      const line: Record<string, unknown> = { event_type: type };
      if (bound.account !== null) line['account'] = bound.account;
      if (snapshotId !== null) line['snapshot_id'] = snapshotId;
      const source = fields as Readonly<Record<string, unknown>>;
      const allowed: readonly string[] = EVENT_FIELDS[type];
      for (const key of allowed) {
        const value = source[key];
        if (value !== undefined) line[key] = sanitizeValue(value, secrets);
      }
      try {
        const msg = redactText(describeEvent(type, fields), secrets);
        output[toLevelName(level ?? DEFAULT_LEVELS[type])](line, msg);
      } catch {
        // A full disk or closed pipe must not take the extraction down with it.
      }
    },
    withSnapshot: (id) => bind(bound, id),
    flush,
  };
}

function sanitizeValue(value: unknown, secrets: SecretRegistry): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((item) => sanitizeValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, sanitizeValue(v, secrets)]);
    return Object.fromEntries(entries);
  }
  return value;
}
