import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  manualClock,
  requestToken,
  startSimulator,
  tokenParams,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

const small = { systems: 60 };

describe('Zoho token endpoint', () => {
  it('issues a Zoho-shaped token from query parameters', async () => {
    const sim = await startSimulator({ settings: small });
    const res = await requestToken(sim);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'api_domain', 'expires_in', 'token_type']);
    expect(body).toMatchObject({
      api_domain: 'https://www.zohoapis.com.au',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    expect(body['access_token']).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
  });

  it('accepts the parameters as a form body too', async () => {
    const sim = await startSimulator({ settings: small });
    const res = await fetch(`${sim.url}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: tokenParams(sim).toString(),
    });
    const body = (await res.json()) as { access_token: string };
    expect((await fetchPage(sim, body.access_token)).status).toBe(200);
    expect(sim.stats().tokenRequests.map((entry) => entry.outcome)).toEqual(['issued']);
  });

  it('omits expires_in when configured null, and the token still dies after the hidden lifetime', async () => {
    const clock = manualClock();
    const sim = await startSimulator({
      clock,
      settings: { ...small, tokenExpiresInS: null, hiddenTokenLifetimeS: 60 },
    });
    const body = (await (await requestToken(sim)).json()) as Record<string, string>;
    expect(body).not.toHaveProperty('expires_in');
    const token = body['access_token'] ?? '';
    clock.advance(59_000);
    expect((await fetchPage(sim, token)).status).toBe(200);
    clock.advance(1_000);
    expect((await fetchPage(sim, token)).status).toBe(401);
  });

  it('answers a bad refresh token with invalid_code and bad client credentials with invalid_client, both HTTP 200', async () => {
    const sim = await startSimulator({ settings: small });
    const badCode = await requestToken(sim, { refresh_token: '1000.revoked' });
    expect(badCode.status).toBe(200);
    expect(await badCode.json()).toEqual({ error: 'invalid_code' });
    const badSecret = await requestToken(sim, { client_secret: 'wrong' });
    expect(badSecret.status).toBe(200);
    expect(await badSecret.json()).toEqual({ error: 'invalid_client' });
    const badClient = await requestToken(sim, { client_id: '1000.OTHER' });
    expect(await badClient.json()).toEqual({ error: 'invalid_client' });
    const badGrant = await requestToken(sim, { grant_type: 'authorization_code' });
    expect(await badGrant.json()).toEqual({ error: 'unsupported_grant_type' });
    expect(sim.stats().tokenRequests.map((entry) => entry.outcome)).toEqual([
      'invalid_code',
      'invalid_client',
      'invalid_client',
      'error',
    ]);
  });

  it('accepts planted canary credentials', async () => {
    const credentials = {
      clientId: 'CANARY-ID',
      clientSecret: 'CANARY-SECRET',
      refreshToken: 'CANARY-REFRESH',
    };
    const sim = await startSimulator({ settings: { ...small, credentials } });
    expect(sim.credentials).toEqual(credentials);
    expect((await getToken(sim)).startsWith('1000.')).toBe(true);
  });

  it('refuses the 11th token request in the rolling window with the documented Access Denied body', async () => {
    const clock = manualClock();
    const sim = await startSimulator({ clock, settings: small });
    for (let i = 0; i < 10; i++) {
      await getToken(sim);
      clock.advance(1_000);
    }
    const denied = await requestToken(sim);
    expect(denied.status).toBe(200);
    expect(await denied.json()).toEqual({
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    });
    // The window rolls: once the first request is 10 minutes old, one more token is allowed.
    clock.advance(600_000 - 10_000);
    expect((await requestToken(sim)).status).toBe(200);
    expect(
      sim
        .stats()
        .tokenRequests.map((entry) => entry.outcome)
        .slice(9),
    ).toEqual(['issued', 'access_denied', 'issued']);
  });

  it('can answer the Access Denied throttle with HTTP 400', async () => {
    const sim = await startSimulator({
      settings: { ...small, maxTokenRequestsPerWindow: 1, tokenThrottleStatus: 400 },
    });
    await getToken(sim);
    const denied = await requestToken(sim);
    expect(denied.status).toBe(400);
    expect(await denied.json()).toMatchObject({ error: 'Access Denied' });
  });

  it('invalidates the oldest live token when an 11th is minted', async () => {
    const sim = await startSimulator({ settings: { ...small, maxTokenRequestsPerWindow: 100 } });
    const tokens: string[] = [];
    for (let i = 0; i < 11; i++) tokens.push(await getToken(sim));
    const [oldest, second] = tokens;
    const refused = await fetchPage(sim, oldest ?? '');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      status: 'error',
      error_code: '10002',
      error_description: 'INVALID_OAUTHTOKEN',
    });
    expect((await fetchPage(sim, second ?? '')).status).toBe(200);
    expect((await fetchPage(sim, tokens[10] ?? '')).status).toBe(200);
    const log = sim.stats().requests.filter((entry) => entry.page !== null);
    expect(log.map((entry) => [entry.status, entry.fault, entry.tokenId])).toEqual([
      [401, 'auth:invalidated', 'tok-1'],
      [200, null, 'tok-2'],
      [200, null, 'tok-11'],
    ]);
  });
});
