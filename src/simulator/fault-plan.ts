import type { Fault } from './faults.ts';
import { pick, type Rng } from './prng.ts';
import type { SimSettings } from './settings.ts';

const DAY_MS = 86_400_000;

/**
 * Decides which fault, if any, answers a request. Admission faults (daily quota, rate limit, rapid-page
 * throttling) come before the token check, as a front end would; page faults (scripts, then random
 * draws) come after it, so a refused token never consumes a scripted fault.
 */
export class FaultPlan {
  readonly #settings: SimSettings;
  readonly #rng: Rng;
  readonly #nowMs: () => number;
  readonly #scripts = new Map<number, Fault[]>();
  readonly #lookupScript: Fault[];
  #admittedAtMs: number[] = [];
  #pageAtMs: number[] = [];
  #throttledUntilMs = 0;
  #quotaDay = -1;
  #quotaUsed = 0;

  constructor(settings: SimSettings, rng: Rng, nowMs: () => number) {
    this.#settings = settings;
    this.#rng = rng;
    this.#nowMs = nowMs;
    for (const [page, faults] of Object.entries(settings.pageScripts)) {
      this.#scripts.set(Number(page), [...faults]);
    }
    this.#lookupScript = [...settings.lookupScript];
  }

  /** For every API request; `isPage` marks scandetails (the only route throttled for rapid paging). */
  admission(isPage: boolean): Fault | null {
    const nowMs = this.#nowMs();
    const quota = this.#settings.dailyQuota;
    if (quota !== null) {
      const day = Math.floor(nowMs / DAY_MS);
      if (day !== this.#quotaDay) [this.#quotaDay, this.#quotaUsed] = [day, 0];
      if (this.#quotaUsed >= quota) return { kind: 'daily_quota' };
      this.#quotaUsed += 1;
    }
    const limit = this.#settings.rateLimit;
    if (limit) {
      this.#admittedAtMs = this.#admittedAtMs.filter((atMs) => atMs > nowMs - limit.windowMs);
      const oldestMs = this.#admittedAtMs[0];
      if (oldestMs !== undefined && this.#admittedAtMs.length >= limit.maxRequests) {
        const retryAfterS = Math.max(1, Math.ceil((oldestMs + limit.windowMs - nowMs) / 1000));
        return { kind: 'rate_limit', retryAfter: limit.retryAfter, retryAfterS };
      }
      this.#admittedAtMs.push(nowMs);
    }
    const throttle = this.#settings.throttleAfterRapidPages;
    if (throttle && isPage) {
      if (nowMs < this.#throttledUntilMs) return { kind: 'html_throttle' };
      this.#pageAtMs = this.#pageAtMs.filter((atMs) => atMs > nowMs - throttle.windowMs);
      if (this.#pageAtMs.length >= throttle.pages) {
        this.#throttledUntilMs = nowMs + throttle.throttleMs;
        this.#pageAtMs = [];
        return { kind: 'html_throttle' };
      }
      this.#pageAtMs.push(nowMs);
    }
    return null;
  }

  /** For an authorised scandetails request: the page's next scripted fault, else a seeded random one. */
  forPage(page: number): Fault | null {
    return this.#scripts.get(page)?.shift() ?? this.#random();
  }

  /** For an authorised `resid` lookup: the next lookup-script fault, else a seeded random one. */
  forLookup(): Fault | null {
    return this.#lookupScript.shift() ?? this.#random();
  }

  #random(): Fault | null {
    const [first, ...rest] = this.#settings.randomFaults;
    if (first === undefined || this.#settings.randomFaultRate <= 0) return null;
    return this.#rng() < this.#settings.randomFaultRate ? pick(this.#rng, [first, ...rest]) : null;
  }
}
