import type { ErrorType, EventMap, EventType, Level } from '../platform/index.ts';
import type { FlushableEventLogger } from './logger.ts';

/** Failed page attempts by D4 class, as the run logged them. */
export type AttemptCounts = Readonly<Partial<Record<ErrorType, number>>>;

export interface TallyingEventLogger extends FlushableEventLogger {
  withSnapshot(snapshotId: number): TallyingEventLogger;
  /**
   * Every `page_extraction_failed` emitted so far through this logger or any `withSnapshot` view of
   * it, by `error_type`, whatever the log level lets through. The retries metric is read from here,
   * so it counts exactly the failed attempts the log reports: those of pages that later succeeded,
   * 401 replays and gap-sweep attempts included (the loop's own summary only sees the last class of
   * a page that became a gap).
   */
  failedAttemptsByClass(): AttemptCounts;
  /** Records reported by `records_rejected` events so far (systems the API sent that we could not store). */
  recordsRejected(): number;
}

/** Wraps a logger so it counts failed page attempts by class as they are emitted. */
export function withAttemptTally(logger: FlushableEventLogger): TallyingEventLogger {
  const counts: Partial<Record<ErrorType, number>> = {};
  let rejected = 0;
  const wrap = (inner: FlushableEventLogger): TallyingEventLogger => ({
    emit<K extends EventType>(type: K, fields: EventMap[K], level?: Level): void {
      if (type === 'page_extraction_failed') {
        const errorType = (fields as EventMap['page_extraction_failed']).error_type;
        counts[errorType] = (counts[errorType] ?? 0) + 1;
      }
      if (type === 'records_rejected') rejected += (fields as EventMap['records_rejected']).count;
      inner.emit(type, fields, level);
    },
    withSnapshot: (snapshotId) => wrap(inner.withSnapshot(snapshotId)),
    flush: () => {
      inner.flush();
    },
    failedAttemptsByClass: () => ({ ...counts }),
    recordsRejected: () => rejected,
  });
  return wrap(logger);
}
