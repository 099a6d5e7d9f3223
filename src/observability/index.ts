/** Public surface of the observability layer (D8, D9, D10): other folders import only from here. */
export { EVENT_FIELDS } from './event-fields.ts';
export { createEventLogger } from './logger.ts';
export { createSyncFdDestination } from './sync-fd-destination.ts';
export type { FlushableEventLogger } from './logger.ts';
export { SecretRegistry } from './secrets.ts';
export { openDailyLogFile } from './log-file.ts';
export { createProgressReporter, shouldDrawProgressBar } from './progress.ts';
export type { ProgressReporter } from './progress.ts';
export { createSlackNotifier } from './slack-notifier.ts';
export type { SlackNotifier } from './slack-notifier.ts';
export { createRunMetrics } from './metrics.ts';
export type { LastRunMetrics, RunMetrics, StoredMetrics } from './metrics.ts';
export { writeMetricsFile } from './metrics-file.ts';
export { runPostExtractionHook } from './hook.ts';
export { SECRET_VARIABLES, type HookDatabase } from './hook-env.ts';
