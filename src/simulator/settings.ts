import type { Fault } from './faults.ts';

export type ProfileName = 'clean' | 'seed' | 'chaos' | 'realistic';

/** Self Client credentials the token endpoint accepts. */
export interface SimCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/**
 * Inventory change applied once, after `afterRequests` scandetails page requests have been answered
 * (`resid` lookups are not page requests and do not count). With `removeFromPages` on pages a pass has
 * already read and `add` of the same number, `total` does not change and the later systems shift
 * back onto those pages unseen: the mid-pass deletion that confirmed removals (D85) must catch.
 */
interface DriftStep {
  afterRequests: number;
  /** Removes these ids (`afterRequests: 0`: before the first page a fresh simulator answers). */
  removeIds?: string[];
  /** Removes `count` ids from each listed page (page size: the latest `pagelimit` seen, 25 before any). */
  removeFromPages?: { pages: number[]; count: number };
  /** New systems appended after the current highest id. */
  add?: number;
}

/**
 * Everything that shapes the simulator's behaviour, as plain data. A profile is a partial of this merged
 * over DEFAULT_SETTINGS; `SimulatorOptions.settings` is merged over the profile (faults compose).
 */
export interface SimSettings {
  /** Systems in the inventory at start. */
  systems: number;
  credentials: SimCredentials;
  /** `expires_in` of the token response in seconds; null omits the field (lifetime then `hiddenTokenLifetimeS`). */
  tokenExpiresInS: number | null;
  /** The real lifetime when `expires_in` is omitted, in seconds. */
  hiddenTokenLifetimeS: number;
  /** Zoho: at most this many issued tokens per refresh token per `tokenWindowMs` (rolling). */
  maxTokenRequestsPerWindow: number;
  tokenWindowMs: number;
  /** HTTP status of the "Access Denied / too many requests" answer: 200 per Zoho, 400 per one client. */
  tokenThrottleStatus: number;
  /** Zoho: at most this many live access tokens; minting one more invalidates the oldest. */
  maxLiveTokens: number;
  /** How an invalid/expired token is refused: HTTP 401, or HTTP 200 with `status:"error"`. */
  authFailure: '401' | '200_error';
  /** Faults consumed in order by successive requests for that page, then normal answers. */
  pageScripts: Record<number, Fault[]>;
  /**
   * Faults consumed in order by successive `resid` lookups (every attempt takes one, whatever the
   * id), then normal answers. Page scripts never answer a lookup; random faults do.
   */
  lookupScript: Fault[];
  /** `ignored`: `resid` is dropped and a lookup gets page 1, as an API that does not know the filter would. */
  residFilter: 'honoured' | 'ignored';
  /** Probability in [0, 1] that a scandetails request gets one of `randomFaults` (seeded draw). */
  randomFaultRate: number;
  randomFaults: Fault[];
  /** Write `total` as a JSON string on every page. */
  totalAsString: boolean;
  /** The key of the records array inside `message_response`. */
  recordsKey: 'scandetails' | 'computers';
  /** Past the last page: an empty array, or the pages again from page 1 (modulo the page count). */
  pastLastPage: 'empty' | 'wrap';
  drift: DriftStep[];
  /** Uniform per-request latency on API routes, [min, max] in ms. */
  latencyMs: [number, number];
  /** Server-side API request rate limit, answered with 429 + Retry-After. */
  rateLimit: { maxRequests: number; windowMs: number; retryAfter: 'seconds' | 'http-date' } | null;
  /** More than `pages` scandetails requests within `windowMs` → HTML throttle pages for `throttleMs`. */
  throttleAfterRapidPages: { pages: number; windowMs: number; throttleMs: number } | null;
  /** API requests allowed per UTC day (simulator lifetime); beyond it a `daily_quota` refusal. */
  dailyQuota: number | null;
  /** Put an email and IPv4/IPv6 addresses into error bodies (tests the extractor's redaction). */
  piiInErrors: boolean;
  /** HTTP status of the Slack webhook sink (200 answers "ok"). */
  slackStatus: number;
  /** Delay of a `slow_first_byte` fault that names none, in ms: longer than the client timeout used in tests. */
  slowFirstByteMs: number;
  /** Fixed "now" the record timestamps are generated around, epoch ms (keeps records deterministic). */
  referenceTimeMs: number;
}

const DEFAULT_CREDENTIALS: SimCredentials = {
  clientId: '1000.SIMCLIENT7Q2M4K8X1R5T9W3Y6Z0B',
  clientSecret: '5e1c0d8a3b7f4e2a9c6d1b8e7f3a2c4d5e6f7a8b9c',
  refreshToken: '1000.8f14e45fceea167a5a36dedd4bea2543.c9f0f895fb98ab9159f51fd0297e236d',
};

/** The `clean` profile: the documented contract with no faults. */
export const DEFAULT_SETTINGS: SimSettings = {
  systems: 3362,
  credentials: DEFAULT_CREDENTIALS,
  tokenExpiresInS: 3600,
  hiddenTokenLifetimeS: 60,
  maxTokenRequestsPerWindow: 10,
  tokenWindowMs: 600_000,
  tokenThrottleStatus: 200,
  maxLiveTokens: 10,
  authFailure: '401',
  pageScripts: {},
  lookupScript: [],
  residFilter: 'honoured',
  randomFaultRate: 0,
  randomFaults: [],
  totalAsString: false,
  recordsKey: 'scandetails',
  pastLastPage: 'empty',
  drift: [],
  latencyMs: [0, 0],
  rateLimit: null,
  throttleAfterRapidPages: null,
  dailyQuota: null,
  piiInErrors: false,
  slackStatus: 200,
  slowFirstByteMs: 3000,
  referenceTimeMs: 1_764_115_200_000, // 2025-11-26T00:00:00Z, the date the product was specified
};
