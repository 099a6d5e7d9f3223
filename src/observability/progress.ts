import { formatCount, type Clock } from '../platform/index.ts';

interface ProgressUpdate {
  page: number;
  systems: number;
  coveragePct: number;
  errors: number;
}

export interface ProgressReporter {
  start(totalPages: number, startPage: number): void;
  update(progress: ProgressUpdate): void;
  stop(): void;
}

export interface ProgressReporterOptions {
  /** stderr in production: stdout carries JSON lines only. */
  stream: NodeJS.WritableStream;
  /** Whether `stream` is a terminal; a cron run (not a TTY) gets a reporter that writes 0 bytes. */
  isTTY: boolean;
  clock: Clock;
}

/** What the process's output is connected to, for {@link shouldDrawProgressBar}. */
export interface TerminalSetup {
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** `--log-file` / `PMP_LOG_FILE` is set, so the JSON lines do not go to stdout. */
  logToFile: boolean;
}

/**
 * Whether to draw the bar. Only on a terminal (cron gets nothing on stderr), and not when the JSON
 * lines go to a terminal too: the bar redraws its line in place, so every log line written under it
 * would be cut into or glued to a bar frame. The choice: then the JSON lines stay exactly as in a
 * file (pipe them through pino-pretty to read them) and the bar is left out; with `--log-file`, or
 * with stdout piped elsewhere, the terminal shows the bar alone.
 */
export function shouldDrawProgressBar(terminal: TerminalSetup): boolean {
  return terminal.stderrIsTTY && (terminal.logToFile || !terminal.stdoutIsTTY);
}

const FORMAT =
  'PMP {bar} page {value}/{total} | systems {systems} | coverage {coverage}% | ETA {eta_text} | errors {errors}';

/**
 * The human progress bar (D8): on a TTY only; everything a machine reads goes to the JSON log.
 * cli-progress is imported here, on a terminal only (D67): a cron run never loads it.
 */
export async function createProgressReporter(options: ProgressReporterOptions): Promise<ProgressReporter> {
  if (!options.isTTY) return { start: noop, update: noop, stop: noop };
  const { clock } = options;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: options.stream, format: FORMAT, hideCursor: false, gracefulExit: false },
    cliProgress.Presets.shades_classic,
  );
  let startPage = 0;
  let totalPages = 0;
  let startedAtMs = 0;
  return {
    start(total, firstPage) {
      totalPages = total;
      startPage = firstPage;
      startedAtMs = clock.nowMs();
      bar.start(total, Math.max(0, firstPage - 1), initialPayload());
    },
    update(progress) {
      const etaMs = estimateRemainingMs(
        progress.page - (startPage - 1),
        totalPages - progress.page,
        clock.nowMs() - startedAtMs,
      );
      bar.update(progress.page, {
        systems: formatCount(progress.systems),
        coverage: progress.coveragePct.toFixed(1),
        eta_text: formatEta(etaMs),
        errors: progress.errors,
      });
    },
    stop() {
      bar.stop();
    },
  };
}

function initialPayload(): Record<string, string | number> {
  return { systems: '0', coverage: '0.0', eta_text: '--', errors: 0 };
}

/** Remaining time at the pace of this run so far; null before the first page is done. */
export function estimateRemainingMs(pagesDone: number, pagesLeft: number, elapsedMs: number): number | null {
  if (pagesDone <= 0 || elapsedMs <= 0) return null;
  return Math.max(0, pagesLeft) * (elapsedMs / pagesDone);
}

function formatEta(etaMs: number | null): string {
  if (etaMs === null) return '--';
  const totalSeconds = Math.round(etaMs / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  return minutes > 0 ? `${minutes}m${totalSeconds % 60}s` : `${totalSeconds}s`;
}

function noop(): void {
  // Not a TTY: a cron run's stderr stays empty.
}
