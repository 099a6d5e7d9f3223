/** The run's wiring: process IO, logger set-up, composing the extraction from its parts, finishing. */
export { checkConnection, type ConnectionReport } from './check-connection.ts';
export { composeRun } from './compose-run.ts';
export { finishRun } from './finish-run.ts';
export { writeRunMetrics } from './run-metrics.ts';
export type { ProcessIO, SimulatorFactory, TextOutput } from './io.ts';
export { recordLastRun } from './last-run.ts';
export { openRunLogger, reportRunFailure } from './logging.ts';
export { DRAIN_MESSAGE, guardAgainstDrain } from './drain-guard.ts';
export { databaseFor, type HeldLock, type RunDatabase } from './open-store-for.ts';
export { knownSecrets } from './known-secrets.ts';
