/**
 * lookupWithRetry (D85): a lookup by id goes through the same pacer, classifier and retry decisions as
 * a page; its failures are logged as page 0 with the resource_id, and an auth abort names the system.
 */
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/index.ts';
import { ExtractorError } from '../platform/index.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { recordingLogger } from '../../test/support/recording-logger.ts';
import { createFakeFetch, jsonResponse, textResponse } from '../../test/support/fake-fetch.ts';
import type { ScriptStep } from '../../test/support/fake-fetch.ts';
import { API_CLIENT_DEFAULTS, DEFAULT_RETRY_POLICY } from '../../test/support/settings.ts';
import { createPacer } from './pacer.ts';
import { lookupWithRetry } from './page-attempts.ts';

const ID = '52549000000186017';

const found = (): Response =>
  textResponse(
    `{"message_type":"scandetails","message_response":{"total":1,"limit":25,"page":1,` +
      `"scandetails":[{"resource_id":${ID},"resource.name":"pc-7"}]},"status":"success"}`,
  );

function setup(script: ScriptStep[], spacingMs = 0) {
  const clock = new FakeClock();
  const fake = createFakeFetch(script);
  const client = createApiClient({
    baseUrl: 'https://pmp.test',
    http: fake.http,
    pacer: createPacer(clock, spacingMs),
    ...API_CLIENT_DEFAULTS,
  });
  const logger = recordingLogger();
  const refreshes: number[] = [];
  const run = () =>
    lookupWithRetry(ID, {
      client,
      tokens: {
        getAccessToken: () => Promise.resolve('token'),
        refreshAfterAuthFailure: () => {
          refreshes.push(1);
          return Promise.resolve('token');
        },
      },
      clock,
      logger,
      policy: DEFAULT_RETRY_POLICY,
      signal: new AbortController().signal,
      onAttemptFailed: () => undefined,
    });
  return { run, clock, fake, logger, refreshes };
}

describe('lookupWithRetry', () => {
  it('retries a 503 with the page backoff and returns the one-record answer', async () => {
    const { run, clock, fake, logger } = setup([() => textResponse('busy', { status: 503 }), found]);
    const outcome = await run();
    expect(outcome).toMatchObject({ kind: 'ok', attempts: 2, page: { ids: [ID], total: 1 } });
    expect(fake.calls.map((call) => call.url)).toEqual([
      `https://pmp.test/api/1.4/patch/scandetails?resid=${ID}`,
      `https://pmp.test/api/1.4/patch/scandetails?resid=${ID}`,
    ]);
    expect(clock.sleeps).toEqual([1000]);
    const failed = logger.events.filter((event) => event.type === 'page_extraction_failed');
    expect(failed.map((event) => event.fields)).toEqual([
      expect.objectContaining({ page: 0, resource_id: ID, http_status: 503, action: 'retry' }),
    ]);
  });

  it('is paced like a page: the second request waits for the spacing', async () => {
    const { run, clock } = setup([found, found], 2000);
    await run();
    await run();
    expect(clock.sleeps).toEqual([2000]);
  });

  it('defers on a 429 past the retry-after cap, as a page does', async () => {
    const { run } = setup([() => textResponse('', { status: 429, headers: { 'retry-after': '3600' } })]);
    expect(await run()).toMatchObject({ kind: 'defer', reason: 'rate_limited' });
  });

  it('ends as a gap after every attempt failed', async () => {
    const status500 = () => textResponse('oops', { status: 500 });
    const { run } = setup([status500, status500, status500]);
    expect(await run()).toMatchObject({ kind: 'gap', errorType: '5xx_server_error', attempts: 3 });
  });

  it('replays a 401 with a new token and aborts after three, naming the system', async () => {
    const unauthorized = () =>
      jsonResponse({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' }, { status: 401 });
    const { run, refreshes } = setup([unauthorized, unauthorized, unauthorized]);
    const error: unknown = await run().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExtractorError);
    expect(error).toMatchObject({ code: 'auth_aborted' });
    expect((error as Error).message).toContain(`lookup of system ${ID}`);
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
  });
});
