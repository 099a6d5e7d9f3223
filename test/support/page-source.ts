/**
 * The real page source over a scripted fake fetch, for the page-source unit tests: the API client on
 * an unpaced fake clock, a token source that always answers `token` (or `accessToken`), the default
 * retry policy. Callers pass the secrets and metrics they assert on.
 */
import { createApiClient } from '../../src/api/index.ts';
import { createPageSource } from '../../src/app/page-source.ts';
import type { RunMetrics, SecretRegistry } from '../../src/observability/index.ts';
import { createPacer } from '../../src/retry/index.ts';
import type { FakeClock } from './fake-clock.ts';
import type { createFakeFetch } from './fake-fetch.ts';
import { API_CLIENT_DEFAULTS, DEFAULT_RETRY_POLICY } from './settings.ts';

export function scriptedPageSource(args: {
  fake: ReturnType<typeof createFakeFetch>;
  clock: FakeClock;
  secrets: SecretRegistry;
  metrics: Pick<RunMetrics, 'retry' | 'recordsRejected'>;
  accessToken?: string;
}): ReturnType<typeof createPageSource> {
  const token = args.accessToken ?? 'token';
  return createPageSource({
    client: createApiClient({
      baseUrl: 'https://pmp.test',
      http: args.fake.http,
      pacer: createPacer(args.clock, 0),
      ...API_CLIENT_DEFAULTS,
    }),
    tokens: {
      getAccessToken: () => Promise.resolve(token),
      refreshAfterAuthFailure: () => Promise.resolve(token),
    },
    clock: args.clock,
    policy: DEFAULT_RETRY_POLICY,
    secrets: args.secrets,
    metrics: args.metrics,
  });
}
