import { describe, expect, it } from 'vitest';
import { createEventLogger, createRunMetrics, SecretRegistry } from '../observability/index.ts';
import type { LogLevel } from '../platform/index.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import {
  createFakeFetch,
  jsonResponse,
  scanDetailsPayload,
  textResponse,
} from '../../test/support/fake-fetch.ts';
import { scriptedPageSource } from '../../test/support/page-source.ts';

/** One page through the real page source: a 503, a 401 replay, then a page with a record lacking resource_id. */
async function runPage(level: LogLevel): Promise<{ samples: Map<string, number>; lines: string[] }> {
  const clock = new FakeClock();
  const fake = createFakeFetch([
    () => textResponse('busy', { status: 503 }),
    () => jsonResponse({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' }, { status: 401 }),
    () =>
      jsonResponse(
        scanDetailsPayload({
          page: 1,
          total: 2,
          records: [{ resource_id: 7, 'resource.name': 'a' }, { 'resource.name': 'no id' }],
        }),
      ),
  ]);
  const lines: string[] = [];
  const secrets = new SecretRegistry();
  const logger = createEventLogger({
    destination: { write: (line: string) => lines.push(line) },
    clock,
    level,
    secrets,
  });
  const metrics = createRunMetrics();
  const pages = scriptedPageSource({ fake, clock, secrets, metrics });
  const result = await pages.fetchPage(1, new AbortController().signal, logger);
  expect(result).toMatchObject({ kind: 'ok', failedAttempts: 1 });
  const samples = new Map<string, number>();
  const text = await metrics.render({
    account: 'a',
    version: '0',
    nowMs: 0,
    lastRun: {
      exitCode: 0,
      outcome: 'batch_complete',
      durationMs: 0,
      finishedAtMs: 0,
      pagesOk: 0,
      pagesFailed: 0,
      tokenRequests: 0,
    },
    stored: null,
  });
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return { samples, lines };
}

describe('createPageSource metrics', () => {
  it('counts failed attempts and rejected records the same whatever the log level', async () => {
    const info = await runPage('info');
    const critical = await runPage('critical');
    expect(info.lines.some((line) => line.includes('"page_extraction_failed"'))).toBe(true);
    expect(info.lines.some((line) => line.includes('"records_rejected"'))).toBe(true);
    // CRITICAL lets none of these events through, and the metrics do not notice.
    expect(critical.lines).toEqual([]);
    const retries = (samples: Map<string, number>, errorType: string): number | undefined =>
      samples.get(`pmp_extractor_last_run_retries{class="${errorType}",account="a"}`);
    for (const run of [info, critical]) {
      expect(retries(run.samples, '5xx_server_error')).toBe(1);
      expect(retries(run.samples, '401_unauthorized')).toBe(1);
      expect(run.samples.get('pmp_extractor_last_run_records_rejected{account="a"}')).toBe(1);
    }
    expect([...critical.samples]).toEqual([...info.samples]);
  });
});
