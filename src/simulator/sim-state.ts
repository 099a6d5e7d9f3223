import type { FaultPlan } from './fault-plan.ts';
import type { Inventory } from './inventory.ts';
import type { Rng } from './prng.ts';
import type { SimSettings } from './settings.ts';
import type { StatsRecorder } from './stats.ts';
import type { TokenService } from './token-service.ts';

/** The mutable state one simulator instance shares between its route handlers. */
export interface SimState {
  readonly settings: SimSettings;
  readonly nowMs: () => number;
  readonly inventory: Inventory;
  readonly tokens: TokenService;
  readonly faults: FaultPlan;
  readonly stats: StatsRecorder;
  /** Draws per-request latency; separate from the fault stream so latency never shifts faults. */
  readonly latencyRng: Rng;
  /** Aborted by close(): pending delays end and their sockets are destroyed. */
  readonly closing: AbortSignal;
  /** scandetails page requests received so far (drift triggers count these; lookups do not). */
  pageRequests: number;
  /** The latest `pagelimit` served (25 before any); drift removes ids by pages of this size. */
  lastPageSize: number;
  /** Indexes into settings.drift already applied. */
  readonly driftApplied: Set<number>;
}
