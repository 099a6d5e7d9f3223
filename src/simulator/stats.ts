import type { TokenOutcome } from './token-service.ts';

export interface RequestLogEntry {
  /** Arrival time, epoch ms. */
  timeMs: number;
  method: string;
  /** Path without the query string (the token endpoint's query carries secrets). */
  path: string;
  /** The scandetails page asked for, null on other routes and for a `resid` lookup. */
  page: number | null;
  /** The id a scandetails `resid` lookup asked for (D85), null otherwise. */
  resid: string | null;
  /** Status sent; 0 when the connection was reset before any response. */
  status: number;
  /** The injected fault kind, an `auth:<reason>` refusal, or null for a normal answer. */
  fault: string | null;
  /** `tok-N` (the N-th minted token), `unknown`, or null when no token was sent. Never the token itself. */
  tokenId: string | null;
}

export interface SimStats {
  requests: RequestLogEntry[];
  tokenRequests: { timeMs: number; outcome: TokenOutcome }[];
  groundTruthIds: string[];
  slackMessages: { timeMs: number; body: unknown }[];
}

/** Everything tests assert against; stats() hands out copies so callers cannot change the log. */
export class StatsRecorder {
  readonly requests: RequestLogEntry[] = [];
  readonly tokenRequests: SimStats['tokenRequests'] = [];
  readonly slackMessages: SimStats['slackMessages'] = [];

  snapshot(groundTruthIds: string[]): SimStats {
    return {
      requests: this.requests.map((entry) => ({ ...entry })),
      tokenRequests: this.tokenRequests.map((entry) => ({ ...entry })),
      groundTruthIds,
      slackMessages: this.slackMessages.map((entry) => ({ ...entry })),
    };
  }
}
