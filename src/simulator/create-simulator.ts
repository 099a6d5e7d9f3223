import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultPlan } from './fault-plan.ts';
import { Inventory, type InventoryChange } from './inventory.ts';
import { subRng } from './prng.ts';
import { isProfileName, resolveSettings } from './profiles.ts';
import { route } from './router.ts';
import { DEFAULT_PAGE_LIMIT } from './scandetails.ts';
import type { ProfileName, SimCredentials, SimSettings } from './settings.ts';
import type { SimState } from './sim-state.ts';
import { StatsRecorder, type SimStats } from './stats.ts';
import { TokenService } from './token-service.ts';

export interface SimulatorOptions {
  /** Default 'clean'. */
  profile?: ProfileName;
  /** Default 1; the same seed gives the same inventory, tokens and random faults. */
  seed?: number;
  /** Default 0 (an ephemeral port on 127.0.0.1). */
  port?: number;
  /** Merged over the profile's settings. */
  settings?: Partial<SimSettings>;
  /** Wall clock for token expiry, windows and Retry-After dates; default Date.now. Delays stay real. */
  clock?: { nowMs(): number };
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:41234; serves the Zoho accounts and the PMP routes. */
  url: string;
  credentials: SimCredentials;
  settings: SimSettings;
  stats(): SimStats;
  /**
   * Inventory drift now: remove ids (or `count` ids of each listed page), bring `restoreIds` back,
   * add `add` new systems, and edit fields of the records of `edit.ids`.
   */
  mutate(change: InventoryChange): void;
  groundTruthIds(): string[];
  /** Stops listening, ends pending delays and closes every connection. */
  close(): Promise<void>;
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const profile = options.profile ?? 'clean';
  // The CLI passes a user-typed name through: refuse a typo instead of silently serving `clean`.
  if (!isProfileName(profile))
    throw new Error(`unknown simulator profile "${String(profile)}" (clean, seed, chaos, realistic)`);
  const settings = resolveSettings(profile, options.settings);
  const seed = options.seed ?? 1;
  const clock = options.clock ?? { nowMs: () => Date.now() };
  const nowMs = (): number => clock.nowMs();
  const closing = new AbortController();
  const state: SimState = {
    settings,
    nowMs,
    inventory: new Inventory(settings.systems, seed, settings.referenceTimeMs),
    tokens: new TokenService(settings, subRng(seed, 'tokens'), nowMs),
    faults: new FaultPlan(settings, subRng(seed, 'faults'), nowMs),
    stats: new StatsRecorder(),
    latencyRng: subRng(seed, 'latency'),
    closing: closing.signal,
    pageRequests: 0,
    lastPageSize: DEFAULT_PAGE_LIMIT,
    driftApplied: new Set(),
  };
  const server = createServer((req, res) => {
    // The Date header follows the simulator's clock, so an HTTP-date Retry-After stays consistent with it
    // when a test moves that clock (the chaos runner jumps it by the cron interval between runs).
    res.setHeader('Date', new Date(nowMs()).toUTCString());
    route(req, res, state).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    credentials: { ...settings.credentials },
    settings,
    stats: () => state.stats.snapshot(state.inventory.ids()),
    mutate: (change) => {
      state.inventory.apply(change, state.lastPageSize);
    },
    groundTruthIds: () => state.inventory.ids(),
    close: async () => {
      closing.abort();
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}
