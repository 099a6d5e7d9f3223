/**
 * Issue 5, end to end: Slack notifications (D9) of the BUILT CLI against the simulator's
 * webhook sink (`sim.stats().slackMessages`).
 *
 * Slack's one-message-per-minute limit in a real run: the notifier runs on the child's real clock, so
 * within one run the first message (run started) goes out at once and everything after it (the
 * milestone, page failures, batch complete, target met) waits in the window and is merged, one per
 * line, into a single POST when the run ends (the final flush does not wait for the window). Each run
 * is a new process with a fresh window, so a run posts exactly two messages. The limit itself, with a
 * fake clock (merging into the next message once the minute has passed), is unit-tested in
 * src/observability/slack-notifier.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType } from '../support/event-schema.ts';
import { obsEnv, runDirs, runValidated, type ValidatedRun } from '../support/validated-run.ts';

function slackTexts(sim: Simulator): string[] {
  return sim.stats().slackMessages.map((message) => {
    const body = message.body as { text?: unknown };
    if (typeof body.text !== 'string') throw new Error(`not a Slack text payload: ${JSON.stringify(body)}`);
    // D41: every message (and every message merged into a post) starts with the account, here the
    // database's name `pmp`; the texts below are compared without it.
    expect(body.text.startsWith('[pmp] ')).toBe(true);
    return body.text.replace(/(^|\n)\[pmp\] /g, '$1');
  });
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe("Slack: the messages of the seed profile's three-run extraction", () => {
  // Scenario 1's convergence timeline (D24): 3,362 systems, 135 pages, 50 per run. Seed faults: timeouts on
  // pages 15 and 23 (recovered), two 503s on page 65 (recovered), three bad answers on pages 78, 120
  // and 125 (gaps, recovered by the sweep in run 3).
  let sim: Simulator;
  const runs: ValidatedRun[] = [];
  let texts: string[];

  beforeAll(async () => {
    // The seed's slow pages wait slowFirstByteMs before answering; an 800 ms client timeout cuts
    // them, and is still far above an ordinary page's time on a loaded machine.
    sim = await createSimulator({ profile: 'seed', settings: { slowFirstByteMs: 1500 } });
    const env = obsEnv(sim, runDirs(), {
      PMP_REQUEST_TIMEOUT_MS: '800',
      SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/T000/B000/seedhooktoken`,
    });
    for (let i = 0; i < 3; i += 1) runs.push(await runValidated([], env));
    texts = slackTexts(sim);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('runs to the target in three runs (every line valid against the schema)', () => {
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0]);
    expect(runs.map((run) => ofType(run.log, 'batch_complete')[0]?.last_page)).toEqual([50, 100, 135]);
    expect(ofType(runs[2]?.log ?? [], 'target_met')).toHaveLength(1);
    expect(runs.flatMap((run) => ofType(run.log, 'slack_failed'))).toEqual([]);
  });

  it('posts two messages per run: the start at once, the rest merged at the end of the run', () => {
    expect(texts).toHaveLength(6);
    // Each run's POSTs arrive while that run is going (ordered, one start message per run).
    expect(texts.filter((text) => text.startsWith('🔄 PMP extraction started'))).toHaveLength(3);
    expect(texts.filter((_, index) => index % 2 === 0).every((text) => text.startsWith('🔄'))).toBe(true);
  });

  it('sends exactly the D9 texts', () => {
    // ETA depends on this machine's pace; it is checked on its own below.
    const withoutEta = texts.map((text) => text.replace(/^- ETA: .*$/m, '- ETA: <eta>'));
    expect(withoutEta).toEqual([
      // Run 1 learns the fleet size from page 1; the start message waits for it (run-observer.ts).
      '🔄 PMP extraction started (target: 3,362 systems)',
      [
        '📊 PMP extraction passed 25% coverage',
        '*PMP Extraction Progress*',
        '- Page: 34/135',
        '- Systems: 850/3,362 (25%)',
        '- Errors: 2 (pages 15, 23)',
        '- ETA: <eta>',
        '✅ Batch complete: 1,250 systems extracted (37% total coverage)',
      ].join('\n'),
      '🔄 PMP extraction started (target: 3,362 systems)',
      [
        '📊 PMP extraction passed 50% coverage',
        '*PMP Extraction Progress*',
        '- Page: 68/135',
        '- Systems: 1,700/3,362 (50%)',
        '- Errors: 1 (page 65)',
        '- ETA: <eta>',
        '⚠️ Page 78 failed after 3 attempts (200 Invalid JSON)',
        '✅ Batch complete: 2,475 systems extracted (73% total coverage)',
      ].join('\n'),
      '🔄 PMP extraction started (target: 3,362 systems)',
      [
        '📊 PMP extraction passed 75% coverage',
        '*PMP Extraction Progress*',
        '- Page: 102/135',
        '- Systems: 2,525/3,362 (75%)',
        '- Errors: 0',
        '- ETA: <eta>',
        '⚠️ Page 120 failed after 3 attempts (200 Invalid JSON)',
        '⚠️ Page 125 failed after 3 attempts (200 Invalid JSON)',
        '✅ Batch complete: 3,362 systems extracted (100% total coverage)',
        '🎉 Extraction complete: 3,362/3,362 systems (100.0%)',
        '- Changes: first published snapshot, nothing to compare',
      ].join('\n'),
    ]);
    for (const text of texts.filter((t) => t.includes('*PMP Extraction Progress*'))) {
      expect(text).toMatch(/^- ETA: (1 minute|\d+ minutes)$/m);
    }
  });

  it('never puts the webhook URL (a credential) into a log line', () => {
    for (const run of runs) expect(run.stdout).not.toContain('seedhooktoken');
  });
});

describe('Slack: a webhook that answers 404 or 410 is disabled for the rest of the run', () => {
  it.each([404, 410])('HTTP %i → slack_disabled (WARNING), no further posts, exit 0', async (status) => {
    const sim = await createSimulator({ profile: 'clean', settings: { systems: 50, slackStatus: status } });
    try {
      const run = await runValidated(
        [],
        obsEnv(sim, runDirs(), { SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/gone` }),
      );
      expect(run.code).toBe(0);
      expect(only(ofType(run.log, 'slack_disabled'))).toMatchObject({
        level: 'WARNING',
        reason: `webhook answered HTTP ${status}; Slack disabled for this run`,
      });
      // Only the start message reached the sink; batch complete and target met were never posted.
      expect(slackTexts(sim)).toEqual([
        expect.stringMatching(/^🔄 PMP extraction started \(target: [\d,]+ systems\)$/),
      ]);
      expect(ofType(run.log, 'target_met')).toHaveLength(1);
      expect(ofType(run.log, 'slack_failed')).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe('Slack: a failing webhook is a warning and never fails the run', () => {
  it('HTTP 500 → slack_failed (WARNING) with the status for each post, extraction unaffected', async () => {
    const sim = await createSimulator({ profile: 'clean', settings: { systems: 50, slackStatus: 500 } });
    try {
      const dirs = runDirs();
      const run = await runValidated(
        [],
        obsEnv(sim, dirs, { SLACK_WEBHOOK_URL: `${sim.url}/__sim/slack/broken` }),
      );
      expect(run.code).toBe(0);
      const failures = ofType(run.log, 'slack_failed');
      expect(failures).toHaveLength(2);
      for (const failure of failures) {
        expect(failure).toMatchObject({
          level: 'WARNING',
          http_status: 500,
          error_message: 'webhook answered HTTP 500',
        });
      }
      // Not disabled: both posts were tried.
      expect(slackTexts(sim)).toHaveLength(2);
      expect(ofType(run.log, 'slack_disabled')).toEqual([]);
      expect(ofType(run.log, 'target_met')[0]).toMatchObject({ systems_extracted: 50, extracted_now: true });
    } finally {
      await sim.close();
    }
  });
});

describe('Slack: an invalid webhook URL is disabled at start-up', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ profile: 'clean', settings: { systems: 50 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each([
    ['ftp://', () => `ftp://127.0.0.1:${new URL(sim.url).port}/__sim/slack/ftphook`, 'must use https://'],
    ['http:// off loopback', () => 'http://example.com/services/T000/B000/plainhttp', 'non-loopback'],
    ['not a URL', () => 'hooks.slack.com/services/T000/B000/nourl', 'not a valid URL'],
  ])('%s → one slack_disabled warning before any page, zero posts, exit 0', async (_name, url, reason) => {
    const webhook = url();
    const before = sim.stats().slackMessages.length;
    const run = await runValidated([], obsEnv(sim, runDirs(), { SLACK_WEBHOOK_URL: webhook }));
    expect(run.code).toBe(0);
    const disabled = only(ofType(run.log, 'slack_disabled'));
    expect(disabled.level).toBe('WARNING');
    expect(disabled.reason).toContain(reason);
    const types = run.log.map((event) => event.event_type);
    expect(types.indexOf('slack_disabled')).toBeLessThan(types.indexOf('batch_start'));
    expect(sim.stats().slackMessages).toHaveLength(before);
    // The URL is a credential: neither it nor its path shows up, even in the warning.
    expect(run.stdout).not.toContain(
      new URL(webhook.includes('://') ? webhook : `https://${webhook}`).pathname,
    );
    expect(run.stderr).toBe('');
  });
});
