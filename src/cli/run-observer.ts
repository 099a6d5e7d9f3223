/**
 * Fans the extraction loop's progress out to the humans and machines watching it: the TTY progress
 * bar, Slack (FR-6) and the Prometheus metrics. None of them can fail or slow the run.
 */
import type { RunObserver } from '../extract/ports.ts';
import type { ProgressReporter, RunMetrics, SlackNotifier } from '../observability/index.ts';

export function createRunObserver(parts: {
  progress: ProgressReporter;
  slack: SlackNotifier;
  metrics: RunMetrics;
}): RunObserver & { stop(): void } {
  const { progress, slack, metrics } = parts;
  let barStarted = false;
  return {
    runStarted(info) {
      slack.runStarted({ targetSystems: info.targetSystems, targetPct: info.targetPct });
    },
    pageDone(info) {
      if (!barStarted && info.totalPages !== null) {
        progress.start(info.totalPages, Math.max(0, info.page - 1));
        barStarted = true;
      }
      progress.update({
        page: info.page,
        systems: info.systems,
        coveragePct: info.coveragePct,
        errors: info.errorsTotal,
      });
      slack.progress(info);
      metrics.setSystems(info.systems, info.totalSystems);
    },
    pageFailed(info) {
      metrics.pageDone('gap');
      slack.pageFailed(info);
    },
    batchComplete(info) {
      slack.batchComplete(info);
    },
    targetMet(info) {
      slack.targetMet(info);
    },
    stop() {
      if (barStarted) progress.stop();
    },
  };
}
