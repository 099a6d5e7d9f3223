/** D54: a known secret echoed by the API inside a record is scrubbed before the record is stored. */
import { describe, expect, it } from 'vitest';
import { createEventLogger, createRunMetrics, SecretRegistry } from '../observability/index.ts';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { createFakeFetch, jsonResponse, scanDetailsPayload } from '../../test/support/fake-fetch.ts';
import { scriptedPageSource } from '../../test/support/page-source.ts';

const ACCESS_TOKEN = '1000.4f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d.0123456789abcdef';
const CLIENT_SECRET = 'cs-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('createPageSource: secrets in record values (D54)', () => {
  // A lookup by id (D85) goes through the same scrubbing as a page.
  it.each(['page', 'lookup'] as const)(
    'replaces an echoed access token or client secret in the columns and in raw_json (%s)',
    async (via) => {
      const clock = new FakeClock();
      const record = {
        resource_id: '52549000000186013',
        'resource.name': `pc Zoho-oauthtoken ${ACCESS_TOKEN}`,
        agent_version: CLIENT_SECRET,
        os_name: 'Windows 11',
      };
      const fake = createFakeFetch([
        () => jsonResponse(scanDetailsPayload({ page: 1, total: 1, records: [record] })),
      ]);
      const secrets = new SecretRegistry();
      secrets.add(ACCESS_TOKEN);
      secrets.add(CLIENT_SECRET);
      const logger = createEventLogger({
        destination: { write: () => undefined },
        clock,
        level: 'info',
        secrets,
      });
      const pages = scriptedPageSource({
        fake,
        clock,
        secrets,
        metrics: createRunMetrics(),
        accessToken: ACCESS_TOKEN,
      });
      const signal = new AbortController().signal;
      const result =
        via === 'page'
          ? await pages.fetchPage(1, signal, logger)
          : await pages.lookupSystem('52549000000186013', signal, logger);
      if (result.kind !== 'ok') throw new Error(result.kind);
      const [stored] = result.page.records;
      const everything = JSON.stringify(stored);
      expect(everything).not.toContain(ACCESS_TOKEN.slice(0, 20));
      expect(everything).not.toContain(CLIENT_SECRET.slice(-16));
      expect(stored?.columns['resource_name']).toBe('pc Zoho-oauthtoken [redacted]');
      expect(stored?.columns['agent_version']).toBe('[redacted]');
      expect(stored?.columns['os_name']).toBe('Windows 11');
      expect(stored?.resource_id).toBe('52549000000186013');
      expect(JSON.parse(stored?.raw_json ?? '')).toMatchObject({ agent_version: '[redacted]' });
      expect(stored?.raw_json).toContain('52549000000186013');
      expect(fake.calls[0]?.url).toContain(via === 'page' ? 'page=1' : 'resid=52549000000186013');
    },
  );
});
