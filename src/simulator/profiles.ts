import type { Fault } from './faults.ts';
import { DEFAULT_SETTINGS, type ProfileName, type SimSettings } from './settings.ts';

const failThrice = (fault: Fault): Fault[] => [fault, fault, fault];

/** The four acceptance scenarios (D24, scenarios 1-4). */
const seedProfile: Partial<SimSettings> = {
  // Short enough that a 50-page batch spans several proactive refreshes (Scenario 2), long enough that
  // three back-to-back batches stay inside Zoho's 10 tokens per 10 minutes.
  tokenExpiresInS: 10,
  pageScripts: {
    // Scenarios 1/2: one timeout each (the client timeout in tests is below slowFirstByteMs).
    15: [{ kind: 'slow_first_byte' }],
    23: [{ kind: 'slow_first_byte' }],
    // Scenario 3: transient 503s recovered by backoff.
    65: [
      { kind: 'status', status: 503 },
      { kind: 'status', status: 503 },
    ],
    // Scenario 4: corrupt HTML three times, so the page becomes a gap; the 4th request (gap sweep) succeeds.
    78: failThrice({ kind: 'html_corrupt' }),
    120: failThrice({ kind: 'json_parse' }),
    125: failThrice({ kind: 'json_parse' }),
  },
};

/** Every fault at a realistic rate (about 1 request in 8), seeded so a chaos run replays exactly. */
const chaosFaults: Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502, body: 'html' },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 504, body: 'html' },
  { kind: 'rate_limit', retryAfter: 'seconds', retryAfterS: 1 },
  { kind: 'rate_limit', retryAfter: 'http-date', retryAfterS: 2 },
  { kind: 'html_throttle' },
  { kind: 'html_corrupt' },
  { kind: 'truncated_json' },
  { kind: 'truncated_json', transport: true },
  { kind: 'empty_body' },
  { kind: 'json_parse' },
  { kind: 'slow_first_byte', delayMs: 1500 },
  { kind: 'stall_body', stallMs: 1500 },
  { kind: 'reset' },
  { kind: 'huge_body', bytes: 2_000_000 },
  { kind: 'auth_error' },
  { kind: 'total_as_string' },
  { kind: 'records_under_computers' },
];

const chaosProfile: Partial<SimSettings> = {
  tokenExpiresInS: 300,
  randomFaultRate: 0.12,
  randomFaults: chaosFaults,
  piiInErrors: true,
  latencyMs: [5, 60],
  // Rare in practice: a burst faster than 120 requests a minute gets 429s.
  rateLimit: { maxRequests: 120, windowMs: 60_000, retryAfter: 'seconds' },
  // A plan's daily quota is far above one batch; it is here so long chaos runs meet it.
  dailyQuota: 5000,
  drift: [{ afterRequests: 40, removeFromPages: { pages: [1, 2], count: 2 }, add: 5 }],
};

/** The observed production behaviour (D23): 1 h token, slow pages, throttling after ~60 pages. */
const realisticProfile: Partial<SimSettings> = {
  tokenExpiresInS: 3600,
  latencyMs: [500, 3000],
  throttleAfterRapidPages: { pages: 60, windowMs: 180_000, throttleMs: 120_000 },
};

export const PROFILES: Record<ProfileName, Partial<SimSettings>> = {
  clean: {},
  seed: seedProfile,
  chaos: chaosProfile,
  realistic: realisticProfile,
};

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/**
 * Defaults, then the profile, then the caller's overrides. Page scripts merge per page, so a test can
 * script one more page on top of `seed` without losing pages 65 and 78.
 */
export function resolveSettings(profile: ProfileName, overrides: Partial<SimSettings> = {}): SimSettings {
  const base: SimSettings = { ...DEFAULT_SETTINGS, ...PROFILES[profile] };
  return {
    ...base,
    ...overrides,
    pageScripts: { ...base.pageScripts, ...overrides.pageScripts },
  };
}
