/**
 * RELIABILITY.md (D61): every promise the README and docs/decisions.md make, the test that checks it,
 * and the latest figure, then the per-seed chaos table. Figures marked "chaos" are measured by
 * `npm run test:chaos`; the others are what the named test asserts (it fails when the promise breaks).
 */
import type { SeedResult } from '../test/support/chaos-run.ts';

interface ChaosTotals {
  seeds: number;
  converged: number;
  lost: number;
  stale: number;
  duplicates: number;
  maxTokens: number;
  maxRuns: number;
  exitCodes: string;
  recovery: string;
}

function totalsOf(results: readonly SeedResult[]): ChaosTotals {
  const sum = (pick: (result: SeedResult) => number): number =>
    results.reduce((total, result) => total + pick(result), 0);
  const failed = sum((result) => result.failedPages);
  const codes = [...new Set(results.flatMap((result) => result.exitCodes.map(String)))].sort();
  return {
    seeds: results.length,
    converged: results.filter((result) => result.converged).length,
    lost: sum((result) => result.lost),
    stale: sum((result) => result.stale),
    duplicates: sum((result) => result.duplicates),
    maxTokens: Math.max(0, ...results.map((result) => result.maxTokensPer10Min)),
    maxRuns: Math.max(0, ...results.map((result) => result.exitCodes.length)),
    exitCodes: codes.join(', '),
    recovery: failed === 0 ? 'n/a' : `${((100 * sum((r) => r.recoveredPages)) / failed).toFixed(1)}%`,
  };
}

/** [promise, where it is made, test file(s), figure]. */
function promises(t: ChaosTotals): [string, string, string, string][] {
  const chaos = `chaos, ${t.seeds} seeds`;
  return [
    [
      'No live system lost',
      'README, D7',
      'test/e2e/chaos-seeds.test.ts, src/extract/drift.test.ts',
      `${t.lost} lost (${chaos})`,
    ],
    [
      'No duplicate system in a snapshot',
      'README Database',
      'test/e2e/chaos-seeds.test.ts, test/e2e/kill-and-resume.test.ts',
      `${t.duplicates} duplicates (${chaos})`,
    ],
    [
      'Converges under cron within a few runs',
      'README How a run works',
      'test/e2e/chaos-seeds.test.ts, test/e2e/seed-inventory-cron.test.ts',
      `${t.converged}/${t.seeds} converged, at most ${t.maxRuns} runs (${chaos})`,
    ],
    [
      'At most 10 token requests per 10 minutes',
      'README step 4',
      'test/e2e/chaos-seeds.test.ts, src/auth/token-budget.test.ts',
      `max ${t.maxTokens} in any 10 min (${chaos})`,
    ],
    [
      'Exit codes only 0..3, as documented',
      'README Exit codes',
      'test/e2e/chaos-seeds.test.ts, src/cli/exit-codes.test.ts, test/properties/hostile-pages.test.ts',
      `seen: ${t.exitCodes} (${chaos})`,
    ],
    [
      'Transient faults are retried and recovered',
      'README attempt table',
      'test/e2e/retry-scenarios.test.ts, test/e2e/chaos-seeds.test.ts',
      `${t.recovery} of failed pages recovered (${chaos})`,
    ],
    [
      'Stale systems (removed after they were read)',
      'issue 12 #1',
      'test/e2e/chaos-seeds.test.ts (reported, not asserted)',
      `${t.stale} stale (${chaos})`,
    ],
    [
      'Resumable checkpoints; kill -9 loses at most 10 pages',
      'README step 6',
      'test/e2e/kill-and-resume.test.ts, src/extract/checkpoints.test.ts',
      'asserted: resume from last commit, ≤ 10 pages re-read',
    ],
    [
      'Checkpoint never ahead of the data; invalid one reset',
      'README step 3, 6',
      'test/e2e/corrupt-checkpoint.test.ts, test/properties/hostile-store.test.ts',
      'asserted: checkpoint_corruption, reset',
    ],
    [
      'Hostile pages never crash, never write a malformed row',
      'issue 12',
      'test/properties/hostile-pages.test.ts',
      'asserted: ≥ 2,000 pages and token answers per run',
    ],
    [
      'Secrets never logged',
      'README, D3',
      'test/e2e/secrets-never-leak.test.ts, src/observability/secrets.test.ts',
      'asserted: 0 occurrences',
    ],
    [
      'PII redacted (before the cut)',
      'README, D27',
      'test/e2e/secrets-redacted.test.ts, src/platform/redact.test.ts',
      'asserted: 0 addresses in logs and gaps',
    ],
    [
      'Coverage target 95% decides success',
      'README step 7',
      'src/extract/coverage.test.ts, test/e2e/pass-below-target.test.ts',
      'asserted: below target → exit 2',
    ],
    [
      'One run per database (lock)',
      'README step 1, D20',
      'test/e2e/run-lock-and-reset.test.ts, src/store/run-lock.test.ts',
      'asserted: second run exits 3',
    ],
    [
      'Drift between runs never skips a system',
      'README step 5',
      'test/e2e/inventory-drift.test.ts, src/extract/drift.test.ts',
      'asserted: page_drift_detected, exact ids',
    ],
    [
      'Database, WAL and folder modes 0600 / 0700',
      'README Database',
      'src/store/open-store.test.ts',
      'asserted: 0600 / 0700',
    ],
    [
      'Credentials file readable by others refused',
      'README, D3',
      'test/e2e/auth-and-tokens.test.ts, src/config/credentials.test.ts',
      'asserted: exit 1, chmod 600 hint',
    ],
    [
      'Plain http only to literal loopback',
      'D26',
      'test/e2e/hostile-environment.test.ts, src/platform/loopback.test.ts',
      'asserted: exit 1',
    ],
    [
      'Damaged / newer-schema database refused unchanged',
      'D28, D29',
      'test/e2e/hostile-environment.test.ts, test/properties/hostile-store.test.ts',
      'asserted: exit 1, file unchanged',
    ],
    [
      'Busy database defers; a reader never blocks a run',
      'D30, README Database',
      'test/e2e/hostile-environment.test.ts, test/e2e/hostile-filesystem.test.ts',
      'asserted: exit 3 / exit 0',
    ],
    [
      'Read-only folder, full disk: documented exit, no data lost',
      'issue 12',
      'test/e2e/hostile-filesystem.test.ts',
      'asserted: exit 1, committed rows kept',
    ],
    [
      'Token commands that fail, hang or print garbage',
      'D31, D32',
      'test/e2e/hostile-environment.test.ts, test/e2e/hostile-filesystem.test.ts',
      'asserted: exit 1, children killed',
    ],
  ];
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function reliabilityMarkdown(results: readonly SeedResult[], generatedAt: string): string {
  const totals = totalsOf(results);
  const lines = [
    '# Reliability',
    '',
    `Generated by \`npm run test:chaos\` (bench/chaos.ts) on ${generatedAt}. Do not edit by hand.`,
    'Each promise names the test that fails when it breaks; "chaos" figures are measured by the run',
    'that wrote this file (the chaos profile, run like cron against the built CLI: docs/decisions.md D60).',
    '',
    row(['promise', 'made in', 'checked by', 'latest figure']),
    row(['---', '---', '---', '---']),
    ...promises(totals).map(row),
    '',
    '## Chaos seeds',
    '',
    'lost: ground-truth ids missing from the newest snapshot; stale: stored ids the simulator no longer',
    'serves; tokens/10 min: the most token requests in any 10-minute window of the cron timeline;',
    'recovered: pages that failed at least once and were later read successfully.',
    '',
    row([
      'seed',
      'converged',
      'runs',
      'exit codes',
      'truth',
      'stored',
      'lost',
      'stale',
      'duplicates',
      'tokens',
      'tokens/10 min',
      'recovered',
      'seconds',
    ]),
    row(Array.from({ length: 13 }, () => '---')),
    ...results.map((r) =>
      row([
        r.seed,
        r.converged ? 'yes' : `no (${r.finalStatus})`,
        r.exitCodes.length,
        r.exitCodes.join(' '),
        r.truth,
        r.stored,
        r.lost,
        r.stale,
        r.duplicates,
        r.tokenRequests,
        r.maxTokensPer10Min,
        `${r.recoveredPages}/${r.failedPages}`,
        (r.durationMs / 1000).toFixed(1),
      ]),
    ),
    '',
  ];
  return lines.join('\n');
}
