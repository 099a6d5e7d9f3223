/**
 * The one recording EventLogger of the test suite: every event with a copy of its fields, its level,
 * and the snapshot it was bound to through withSnapshot (absent when unbound).
 */
import type { EventLogger, EventType, Level } from '../../src/platform/index.ts';

export interface RecordedEvent {
  type: EventType;
  fields: Record<string, unknown>;
  level: Level | undefined;
  snapshotId?: number;
}

export type RecordingLogger = EventLogger & { readonly events: RecordedEvent[] };

/** Records into `events` (a fresh list unless given); loggers from withSnapshot share that list. */
export function recordingLogger(events: RecordedEvent[] = [], snapshotId?: number): RecordingLogger {
  return {
    events,
    emit(type, fields, level) {
      const event: RecordedEvent = { type, fields: { ...fields }, level };
      if (snapshotId !== undefined) event.snapshotId = snapshotId;
      events.push(event);
    },
    withSnapshot: (id) => recordingLogger(events, id),
  };
}
