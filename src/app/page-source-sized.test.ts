/** D74: a request that names its page size, and a big page's one attempt, through the real page source. */
import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../observability/index.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import {
  createFakeFetch,
  jsonResponse,
  scanDetailsPayload,
  textResponse,
} from '../../test/support/fake-fetch.ts';
import type { ScriptStep } from '../../test/support/fake-fetch.ts';
import { recordingLogger } from '../../test/support/recording-logger.ts';
import { scriptedPageSource } from '../../test/support/page-source.ts';

function source(script: ScriptStep[]) {
  const clock = new FakeClock();
  const fake = createFakeFetch(script);
  const retries: string[] = [];
  const pages = scriptedPageSource({
    fake,
    clock,
    secrets: new SecretRegistry(),
    metrics: {
      retry: (errorType) => {
        retries.push(errorType);
      },
      recordsRejected: () => undefined,
    },
  });
  return { pages, fake, retries, log: recordingLogger() };
}

const signal = new AbortController().signal;
const big = { pageSize: 1000, singleAttempt: true, reportPage: 41 };

describe('createPageSource with a page request (D74)', () => {
  it('sends the pagelimit the request names', async () => {
    const { pages, fake, log } = source([
      () => jsonResponse(scanDetailsPayload({ page: 2, total: 3, records: [], limit: 1000 })),
    ]);
    const result = await pages.fetchPage(2, signal, log, big);
    expect(fake.calls.map((call) => call.url)).toEqual([
      'https://pmp.test/api/1.4/patch/scandetails?page=2&pagelimit=1000',
    ]);
    expect(result).toMatchObject({ kind: 'ok', page: { limit: 1000 } });
  });

  it('makes one attempt for a big page, counts it, and logs no give-up', async () => {
    const { pages, fake, retries, log } = source([() => textResponse('busy', { status: 503 })]);
    const result = await pages.fetchPage(2, signal, log, big);
    expect(fake.calls).toHaveLength(1);
    expect(result).toMatchObject({
      kind: 'gap',
      errorType: '5xx_server_error',
      attempts: 1,
      httpStatus: 503,
    });
    expect(retries).toEqual(['5xx_server_error']);
    expect(log.events.map((event) => event.type)).toEqual([]);
  });

  it('still refreshes a refused token on a big page, and says so', async () => {
    const { pages, fake, log } = source([
      () => jsonResponse({ status: 'error', error_code: 'INVALID_OAUTHTOKEN' }, { status: 401 }),
      () => jsonResponse(scanDetailsPayload({ page: 2, total: 3, records: [], limit: 1000 })),
    ]);
    expect(await pages.fetchPage(2, signal, log, big)).toMatchObject({ kind: 'ok' });
    expect(fake.calls).toHaveLength(2);
    expect(log.events.map((event) => [event.type, event.fields['action']])).toEqual([
      ['page_extraction_failed', 'refresh_token'],
    ]);
  });

  it('retries a page of the unit as configured, and names the unit page in records_rejected', async () => {
    const { pages, fake, log } = source([
      () => textResponse('busy', { status: 503 }),
      () => jsonResponse(scanDetailsPayload({ page: 2, total: 2, records: [{ 'resource.name': 'no id' }] })),
    ]);
    const result = await pages.fetchPage(2, signal, log, {
      pageSize: 25,
      singleAttempt: false,
      reportPage: 2,
    });
    expect(fake.calls).toHaveLength(2);
    expect(result).toMatchObject({ kind: 'ok', failedAttempts: 1 });
    const rejected = log.events.filter((event) => event.type === 'records_rejected');
    expect(rejected.map((event) => event.fields['page'])).toEqual([2]);
  });

  it('names the first unit page of a big page in records_rejected', async () => {
    const { pages, log } = source([
      () =>
        jsonResponse(
          scanDetailsPayload({ page: 2, total: 1001, limit: 1000, records: [{ 'resource.name': 'no id' }] }),
        ),
    ]);
    await pages.fetchPage(2, signal, log, big);
    expect(
      log.events.filter((event) => event.type === 'records_rejected').map((event) => event.fields['page']),
    ).toEqual([41]);
  });
});
