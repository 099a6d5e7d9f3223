/**
 * Fans the extraction loop's progress out to the humans and machines watching it: the TTY progress
 * bar and Slack (D9). None of them can fail or slow the run.
 */
import type { RunObserver } from '../extract/index.ts';
import type { ProgressReporter, SlackNotifier } from '../observability/index.ts';

export function createRunObserver(parts: {
  progress: ProgressReporter;
  slack: SlackNotifier;
}): RunObserver & { stop(): void } {
  const { progress, slack } = parts;
  let barStarted = false;
  // D9's start message names the fleet size ("target: 3,362 systems"). A first run does not know it
  // until page 1 answers, so the message waits for the first page that reports a total.
  let pendingStart: { targetPct: number } | null = null;
  const sendStart = (targetSystems: number | null): void => {
    if (pendingStart === null) return;
    slack.runStarted({ targetSystems, targetPct: pendingStart.targetPct });
    pendingStart = null;
  };
  return {
    runStarted(info) {
      pendingStart = { targetPct: info.targetPct };
      if (info.targetSystems !== null) sendStart(info.targetSystems);
    },
    pageDone(info) {
      if (info.totalSystems !== null) sendStart(info.totalSystems);
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
    },
    pageFailed(info) {
      sendStart(null);
      slack.pageFailed(info);
    },
    batchComplete(info) {
      sendStart(null);
      slack.batchComplete(info);
    },
    targetMet(info) {
      const { changes } = info;
      slack.targetMet({
        systems: info.systems,
        totalSystems: info.totalSystems,
        coveragePct: info.coveragePct,
        changes: { previousSnapshotId: changes.previous_snapshot_id, ...changes.changes },
      });
    },
    stop() {
      if (barStarted) progress.stop();
    },
  };
}
