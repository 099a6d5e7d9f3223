import { formatCount, type ErrorType } from '../platform/index.ts';

/** Message texts of D9, in Slack mrkdwn (`*bold*`). Pure functions: the notifier only sends. */

export function runStartedText(targetSystems: number | null, targetPct: number): string {
  const target = targetSystems === null ? `${targetPct}% coverage` : `${formatCount(targetSystems)} systems`;
  return `🔄 PMP extraction started (target: ${target})`;
}

export interface ProgressBlock {
  page: number;
  totalPages: number | null;
  systems: number;
  totalSystems: number | null;
  coveragePct: number;
  errorPages: readonly number[];
  etaMinutes: number | null;
}

/** The D9 block: Page, Systems, Errors, ETA. Whole-percent coverage is floored (never rounds up). */
export function progressBlockText(block: ProgressBlock): string {
  const page = block.totalPages === null ? `${block.page}` : `${block.page}/${block.totalPages}`;
  const systems =
    block.totalSystems === null
      ? formatCount(block.systems)
      : `${formatCount(block.systems)}/${formatCount(block.totalSystems)}`;
  const pages = block.errorPages.length === 1 ? 'page' : 'pages';
  const errors =
    block.errorPages.length === 0
      ? '0'
      : `${block.errorPages.length} (${pages} ${block.errorPages.join(', ')})`;
  const eta = block.etaMinutes === null ? 'unknown' : minutesText(block.etaMinutes);
  return [
    '*PMP Extraction Progress*',
    `- Page: ${page}`,
    `- Systems: ${systems} (${wholePct(block.coveragePct)}%)`,
    `- Errors: ${errors}`,
    `- ETA: ${eta}`,
  ].join('\n');
}

export function milestoneText(milestonePct: number, block: ProgressBlock): string {
  return `📊 PMP extraction passed ${milestonePct}% coverage\n${progressBlockText(block)}`;
}

export function batchCompleteText(systems: number, coveragePct: number): string {
  return `✅ Batch complete: ${formatCount(systems)} systems extracted (${wholePct(coveragePct)}% total coverage)`;
}

/** What a published pass changed (D112); previousSnapshotId null for the first one. */
export interface ChangeLine {
  previousSnapshotId: number | null;
  added: number;
  removed: number;
  changed: number;
  reappeared: number;
}

export function targetMetText(
  systems: number,
  totalSystems: number,
  coveragePct: number,
  changes?: ChangeLine,
): string {
  const head = `🎉 Extraction complete: ${formatCount(systems)}/${formatCount(totalSystems)} systems (${coveragePct.toFixed(1)}%)`;
  return changes === undefined ? head : `${head}\n${changeLineText(changes)}`;
}

/** The summary's change line: counts since the previous published snapshot. */
function changeLineText(changes: ChangeLine): string {
  if (changes.previousSnapshotId === null) return '- Changes: first published snapshot, nothing to compare';
  const counts = [
    `${formatCount(changes.added)} added`,
    `${formatCount(changes.removed)} removed`,
    `${formatCount(changes.changed)} changed`,
    `${formatCount(changes.reappeared)} reappeared`,
  ];
  return `- Changes since snapshot ${changes.previousSnapshotId}: ${counts.join(', ')}`;
}

export function pageFailedText(
  page: number,
  attempts: number,
  errorType: ErrorType,
  httpStatus: number | null,
): string {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return `⚠️ Page ${page} failed after ${tries} (${describeFailure(errorType, httpStatus)})`;
}

/** "503 Server Error" and friends: the status when there is one, the class in words otherwise. */
export function describeFailure(errorType: ErrorType, httpStatus: number | null): string {
  const status = httpStatus === null ? '' : `${httpStatus} `;
  switch (errorType) {
    case '5xx_server_error':
      return `${status}Server Error`;
    case '429_rate_limit':
      return `${status}Rate Limited`;
    case 'rate_limit_deferred':
      return `${status}Rate Limit, deferred`;
    case 'throttled':
      return `${status}Throttled`;
    case '401_unauthorized':
      return `${status}Unauthorized`;
    case '403_forbidden':
      return `${status}Forbidden`;
    case 'network_timeout':
      return 'Network Timeout';
    case 'json_parse_error':
      return `${status}Invalid JSON`;
    case 'unknown_error':
      return httpStatus === null ? 'Unknown Error' : `${status}Client Error`;
  }
}

/** 37.2 → "37", 99.96 → "99": a whole percent never claims more than was extracted. */
function wholePct(pct: number): string {
  // The epsilon absorbs float noise such as 0.29 * 100 = 28.999999999999996.
  return `${Math.floor(pct + 1e-9)}`;
}

/** Rounded up: "ETA: 1 minute" while anything is left, never "0 minutes". */
function minutesText(etaMinutes: number): string {
  const minutes = Math.max(0, Math.ceil(etaMinutes));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
