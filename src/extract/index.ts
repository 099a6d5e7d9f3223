/** The extraction loop (D5, D6): run one batch against the ports; other folders import only from here. */
export type { ExtractDeps, PageRequest, PageResult, PageSource, RunObserver } from './ports.ts';
export { runExtract } from './run-extract.ts';
export { loggedOutcome } from './run-outcome.ts';
export type { RunOutcome, RunSummary } from './run-outcome.ts';
export { judgeBigPage } from './page-size.ts';
