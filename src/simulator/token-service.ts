import { hexString, type Rng } from './prng.ts';
import type { SimSettings } from './settings.ts';

export type TokenOutcome = 'issued' | 'invalid_code' | 'invalid_client' | 'access_denied' | 'error';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  outcome: TokenOutcome;
}

/** Why an API request's token was refused; `tokenId` names the token in stats (never the token itself). */
export type TokenCheck =
  | { ok: true; tokenId: string }
  | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'invalidated'; tokenId: string | null };

interface IssuedToken {
  tokenId: string;
  expiresAtMs: number;
  invalidated: boolean;
}

/** Zoho's documented throttle body (D3, D23), answered with HTTP 200 by default. */
const ACCESS_DENIED_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

/**
 * Zoho accounts' refresh-token grant with its documented limits: at most `maxTokenRequestsPerWindow`
 * tokens per rolling `tokenWindowMs` (only requests with valid credentials count, as the limit is per
 * refresh token), and at most `maxLiveTokens` live tokens, the oldest invalidated by the next mint.
 */
export class TokenService {
  readonly #settings: SimSettings;
  readonly #rng: Rng;
  readonly #nowMs: () => number;
  readonly #tokens = new Map<string, IssuedToken>();
  /** Live tokens in mint order, oldest first. */
  #live: string[] = [];
  #issuedAtMs: number[] = [];

  constructor(settings: SimSettings, rng: Rng, nowMs: () => number) {
    this.#settings = settings;
    this.#rng = rng;
    this.#nowMs = nowMs;
  }

  issue(params: URLSearchParams): TokenAnswer {
    const { credentials } = this.#settings;
    if (params.get('grant_type') !== 'refresh_token') {
      return { status: 200, body: { error: 'unsupported_grant_type' }, outcome: 'error' };
    }
    if (
      params.get('client_id') !== credentials.clientId ||
      params.get('client_secret') !== credentials.clientSecret
    ) {
      return { status: 200, body: { error: 'invalid_client' }, outcome: 'invalid_client' };
    }
    if (params.get('refresh_token') !== credentials.refreshToken) {
      return { status: 200, body: { error: 'invalid_code' }, outcome: 'invalid_code' };
    }
    const nowMs = this.#nowMs();
    this.#issuedAtMs = this.#issuedAtMs.filter((atMs) => atMs > nowMs - this.#settings.tokenWindowMs);
    if (this.#issuedAtMs.length >= this.#settings.maxTokenRequestsPerWindow) {
      return {
        status: this.#settings.tokenThrottleStatus,
        body: ACCESS_DENIED_BODY,
        outcome: 'access_denied',
      };
    }
    this.#issuedAtMs.push(nowMs);
    return { status: 200, body: this.#mint(nowMs), outcome: 'issued' };
  }

  check(authorization: string | undefined): TokenCheck {
    const match = /^Zoho-oauthtoken (\S+)$/.exec(authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return { ok: false, reason: 'missing', tokenId: null };
    const issued = this.#tokens.get(token);
    if (!issued) return { ok: false, reason: 'unknown', tokenId: 'unknown' };
    if (issued.invalidated) return { ok: false, reason: 'invalidated', tokenId: issued.tokenId };
    if (this.#nowMs() >= issued.expiresAtMs) return { ok: false, reason: 'expired', tokenId: issued.tokenId };
    return { ok: true, tokenId: issued.tokenId };
  }

  #mint(nowMs: number): Record<string, unknown> {
    const { tokenExpiresInS, hiddenTokenLifetimeS, maxLiveTokens } = this.#settings;
    this.#live = this.#live.filter((token) => nowMs < (this.#tokens.get(token)?.expiresAtMs ?? 0));
    while (this.#live.length >= maxLiveTokens) {
      const oldest = this.#live.shift();
      const issued = oldest === undefined ? undefined : this.#tokens.get(oldest);
      if (issued) issued.invalidated = true;
    }
    const token = `1000.${hexString(this.#rng, 32)}.${hexString(this.#rng, 32)}`;
    const lifetimeS = tokenExpiresInS ?? hiddenTokenLifetimeS;
    this.#tokens.set(token, {
      tokenId: `tok-${this.#tokens.size + 1}`,
      expiresAtMs: nowMs + lifetimeS * 1000,
      invalidated: false,
    });
    this.#live.push(token);
    const body: Record<string, unknown> = {
      access_token: token,
      api_domain: 'https://www.zohoapis.com.au',
      token_type: 'Bearer',
    };
    if (tokenExpiresInS !== null) body['expires_in'] = tokenExpiresInS;
    return body;
  }
}
