/**
 * The JSON event schema (D8, README "Events") as a zod validator, for end-to-end tests that read the
 * built CLI's stdout or log file. Every line must be one object with `timestamp` (UTC ISO 8601 with
 * milliseconds and `Z`), `level` (one of the five names), `event_type` (the closed set), `account`, `snapshot_id`
 * where the event belongs to a snapshot, exactly the fields EVENT_FIELDS allows for that event, and `msg`.
 *
 * The field schemas below are written out by hand (types, ranges, enums), and the mapped type
 * `FieldSchemas` makes the compiler check that they name exactly the fields of EVENT_FIELDS: a field
 * added to an event without a schema here, or a schema for a field the logger would drop, fails
 * `tsc`. So the validator cannot drift from the allow-list the logger enforces.
 */
import { z } from 'zod';
import { EVENT_FIELDS } from '../../src/observability/index.ts';
import {
  ERROR_TYPES,
  FAILURE_ACTIONS,
  LEVELS,
  TOKEN_REFRESH_REASONS,
  type EventMap,
  type EventType,
  type Level,
} from '../../src/platform/index.ts';

/** `2026-11-26T17:30:00.123Z`: UTC, milliseconds, `Z` (no offset, no micro/nanoseconds). */
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const timestamp = z
  .string()
  .regex(TIMESTAMP_PATTERN)
  .refine((text) => new Date(text).toISOString() === text, 'not a real UTC instant');
const int = z.number().int();
const count = int.nonnegative();
const pageNumber = int.positive();
/** A page, or 0 for a lookup by id (D85). */
const pageOrLookup = count;
const resourceId = z.string().regex(/^[1-9]\d*$/);
const pct = z.number().min(0).max(100);
const durationMs = z.number().nonnegative();
const httpStatus = int.min(100).max(599);
const text = z.string();

const errorType = z.enum(ERROR_TYPES);

type FieldSchemas = {
  readonly [K in EventType]: { readonly [F in (typeof EVENT_FIELDS)[K][number]]: z.ZodType };
};

const FIELD_SCHEMAS: FieldSchemas = {
  run_start: {
    command: z.enum(['extract', 'reset']),
    db_path: text.min(1),
    batch_pages: pageNumber,
    target_pct: pct,
    version: text.min(1),
  },
  batch_start: {
    start_page: pageNumber,
    batch_pages: pageNumber,
    target_pct: pct,
    resumed: z.boolean(),
    snapshot_status: z.enum(['partial', 'success', 'failed']),
  },
  extraction_progress: {
    page: pageNumber,
    total_pages: count.nullable(),
    systems_extracted: count,
    total_systems: count.nullable(),
    progress_pct: pct,
    errors_total: count,
    eta_minutes: z.number().nonnegative().nullable(),
  },
  page_extraction_failed: {
    page: pageOrLookup,
    attempt: pageNumber,
    max_attempts: pageNumber,
    http_status: httpStatus.nullable(),
    error_type: errorType,
    error_message: text.min(1).max(1024),
    response_sample: text.max(1024).nullable(),
    action: z.enum(FAILURE_ACTIONS),
    delay_ms: durationMs.nullable(),
    resource_id: resourceId,
  },
  page_skipped: { page: pageNumber, error_type: errorType, attempts: pageNumber },
  records_rejected: { page: pageOrLookup, count: pageNumber, reasons: text.min(1) },
  duplicate_records: { page: pageNumber, within_page: count, across_pages: count },
  gap_recovered: { page: pageNumber, sweep: pageNumber, systems: count },
  token_refresh: {
    reason: z.enum(TOKEN_REFRESH_REASONS),
    success: z.boolean(),
    token_age_s: z.number().nonnegative().nullable(),
    ttl_s: z.number().positive().nullable(),
    source: z.enum(['refresh_token', 'token_command']),
    error_message: text.min(1).max(1024).optional(),
  },
  token_budget: { used: count, limit: pageNumber, window_s: z.number().positive() },
  checkpoint_commit: {
    last_page: count,
    systems_extracted: count,
    coverage_pct: pct,
    pages_in_commit: count,
  },
  checkpoint_corruption: {
    reason: text.min(1),
    last_page: z.number().nullable(),
    coverage_pct: z.number().nullable(),
    action: z.enum(['reset_to_page_0', 'reset_to_last_valid_page']),
  },
  coverage_decreased: { previous_pct: pct, current_pct: pct },
  page_size_probed: {
    page_size_requested: pageNumber,
    limit_echoed: pageNumber,
    records: count,
    page_size: pageNumber,
    clamp: z.enum(['none', 'echoed', 'silent']),
  },
  page_size_fallback: {
    page: pageNumber,
    page_size: pageNumber,
    fallback_page_size: pageNumber,
    reason: text,
  },
  page_drift_detected: {
    page: pageNumber,
    shift_pages: count,
    resume_page: pageNumber,
    matched: z.boolean(),
  },
  removal_candidates: {
    previous_snapshot_id: pageNumber,
    candidates: count,
    pending: count,
    lost_gap: count,
    resumed: z.boolean(),
  },
  removal_confirmed: {
    previous_snapshot_id: pageNumber,
    candidates: count,
    present: count,
    removed: count,
    carried_over: count,
  },
  batch_complete: {
    pages_attempted: count,
    pages_ok: count,
    pages_failed: count,
    systems_extracted: count,
    total_systems: count.nullable(),
    coverage_pct: pct,
    last_page: count,
    pass_complete: z.boolean(),
    duration_ms: durationMs,
  },
  target_met: {
    systems_extracted: count,
    total_systems: count,
    coverage_pct: pct,
    target_pct: pct,
    extracted_now: z.boolean(),
  },
  inventory_changes: {
    previous_snapshot_id: pageNumber.nullable(),
    added: count,
    removed: count,
    changed: count,
    reappeared: count,
  },
  snapshots_pruned: {
    keep_snapshots: pageNumber,
    snapshots_pruned: count,
    systems_deleted: count,
    raw_parts_deleted: count,
    reclaimed_bytes: count,
    free_bytes: count,
  },
  run_deferred: {
    reason: z.enum([
      'lock_held',
      'database_busy',
      'rate_limited',
      'throttled',
      'daily_quota',
      'token_budget',
      'token_throttled',
      'interrupted',
    ]),
    retry_after_s: z.number().nonnegative().nullable(),
    message: text.min(1),
  },
  // Exit 2 for a pass closed `failed` (inventory_shrank, total_beyond_data), 1 for a fatal error.
  extraction_failed: {
    error_type: text.min(1),
    error_message: text.min(1),
    exit_code: z.union([z.literal(1), z.literal(2)]),
  },
  run_complete: {
    exit_code: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    outcome: text.min(1),
    duration_ms: durationMs,
  },
  slack_disabled: { reason: text.min(1) },
  slack_failed: { error_message: text.min(1), http_status: httpStatus.nullable() },
  hook_failed: { error_message: text.min(1), exit_code: int.nullable(), timed_out: z.boolean() },
  hook_complete: { exit_code: z.literal(0), duration_ms: durationMs },
  retry_decision: {
    page: pageOrLookup,
    attempt: pageNumber,
    error_type: errorType,
    delay_ms: durationMs,
    reason: text.min(1),
    resource_id: resourceId,
  },
};

/** Events that happen inside a snapshot's batch: D8's "snapshot_id where known" means always here. */
const SNAPSHOT_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'batch_start',
  'extraction_progress',
  'page_extraction_failed',
  'page_skipped',
  'records_rejected',
  'duplicate_records',
  'gap_recovered',
  'checkpoint_commit',
  'checkpoint_corruption',
  'coverage_decreased',
  'page_drift_detected',
  'page_size_probed',
  'page_size_fallback',
  'removal_candidates',
  'removal_confirmed',
  'batch_complete',
  'target_met',
  'inventory_changes',
  'snapshots_pruned',
  'retry_decision',
]);

/** Fields that may be absent (everything else is always written, as null when unknown). */
const OPTIONAL_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  token_refresh: ['error_message'],
  // Only on the attempts of a lookup by id (D85).
  page_extraction_failed: ['resource_id'],
  retry_decision: ['resource_id'],
};

export const EVENT_TYPES = Object.keys(EVENT_FIELDS) as EventType[];

function lineSchema(type: EventType): z.ZodType {
  const shape: Record<string, z.ZodType> = {
    timestamp,
    level: z.enum(LEVELS),
    event_type: z.literal(type),
    // D41: every line names its account.
    account: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    snapshot_id: SNAPSHOT_EVENTS.has(type) ? pageNumber : pageNumber.optional(),
    // A short sentence for people (pino-pretty); machines read the fields.
    msg: text.min(1).max(1024),
  };
  const optional = OPTIONAL_FIELDS[type] ?? [];
  for (const [field, schema] of Object.entries(FIELD_SCHEMAS[type])) {
    shape[field] = optional.includes(field) ? schema.optional() : schema;
  }
  // Strict: a key the allow-list does not name (a token, a raw response, pino's pid) fails.
  return z.strictObject(shape);
}

const LINE_SCHEMAS = new Map<string, z.ZodType>(EVENT_TYPES.map((type) => [type, lineSchema(type)]));

/** One validated log line, typed by its event. */
export type LogEvent<K extends EventType = EventType> = {
  timestamp: string;
  level: Level;
  event_type: K;
  account: string;
  snapshot_id?: number;
  msg: string;
} & EventMap[K];

export type AnyLogEvent = { [K in EventType]: LogEvent<K> }[EventType];

/** Parses and validates one line; throws with the line number and zod's issues when it is invalid. */
export function parseEventLine(line: string, lineNumber = 1): AnyLogEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`line ${lineNumber} is not JSON: ${line.slice(0, 200)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`line ${lineNumber} is not a JSON object: ${line.slice(0, 200)}`);
  }
  const type = (value as Record<string, unknown>)['event_type'];
  const schema = typeof type === 'string' ? LINE_SCHEMAS.get(type) : undefined;
  if (schema === undefined) {
    throw new Error(`line ${lineNumber} has an unknown event_type ${JSON.stringify(type)}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(
      `line ${lineNumber} (${String(type)}) breaks the schema: ${z.prettifyError(result.error)}\n${line.slice(0, 500)}`,
    );
  }
  return value as AnyLogEvent;
}

/**
 * Validates a whole JSON-lines stream (stdout or a log file): every non-empty line must be a valid
 * event, and the text must end with a newline (no half-written last line).
 */
export function validateEventStream(textStream: string): AnyLogEvent[] {
  if (textStream !== '' && !textStream.endsWith('\n')) {
    throw new Error(`stream does not end with a newline: …${textStream.slice(-200)}`);
  }
  const lines = textStream.split('\n');
  lines.pop();
  return lines.map((line, index) => parseEventLine(line, index + 1));
}

/** The events of one type, typed. */
export function ofType<K extends EventType>(events: readonly AnyLogEvent[], type: K): LogEvent<K>[] {
  return events.filter((event): event is LogEvent<K> & AnyLogEvent => event.event_type === type);
}

/** Event types in order of first appearance. */
export function typesSeen(events: readonly AnyLogEvent[]): Set<EventType> {
  return new Set(events.map((event) => event.event_type));
}
