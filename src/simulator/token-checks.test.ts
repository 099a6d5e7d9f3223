import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileName } from './settings.ts';
import {
  closeAllSimulators,
  fetchPage,
  getToken,
  manualClock,
  startSimulator,
} from '../../test/support/simulator-kit.ts';

afterEach(closeAllSimulators);

const small = { systems: 60 };

describe('API token checks', () => {
  it('refuses an expired token with 401 and accepts a fresh one', async () => {
    const clock = manualClock();
    const sim = await startSimulator({ clock, settings: { ...small, tokenExpiresInS: 4 } });
    const token = await getToken(sim);
    clock.advance(3_999);
    expect((await fetchPage(sim, token)).status).toBe(200);
    clock.advance(1);
    expect((await fetchPage(sim, token)).status).toBe(401);
    expect((await fetchPage(sim, await getToken(sim))).status).toBe(200);
    expect(
      sim
        .stats()
        .requests.filter((entry) => entry.page !== null)
        .map((entry) => entry.fault),
    ).toEqual([null, 'auth:expired', null]);
  });

  it("answers auth failures with HTTP 200 and status:error in '200_error' mode", async () => {
    const sim = await startSimulator({ settings: { ...small, authFailure: '200_error' } });
    const res = await fetchPage(sim, 'not-a-token');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'error',
      error_code: '10002',
      error_description: 'INVALID_OAUTHTOKEN',
    });
  });

  it('refuses a missing header, an unknown token and the Bearer scheme', async () => {
    const sim = await startSimulator({ settings: small });
    const token = await getToken(sim);
    expect((await fetch(`${sim.url}/api/1.4/patch/scandetails`)).status).toBe(401);
    expect((await fetchPage(sim, '1000.abc.def')).status).toBe(401);
    const bearer = await fetch(`${sim.url}/api/1.4/patch/scandetails`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(bearer.status).toBe(401);
    const log = sim.stats().requests.filter((entry) => entry.page !== null);
    expect(log.map((entry) => [entry.fault, entry.tokenId])).toEqual([
      ['auth:missing', null],
      ['auth:unknown', 'unknown'],
      ['auth:missing', null],
    ]);
  });
});

describe('createSimulator', () => {
  it('refuses an unknown profile name', async () => {
    await expect(startSimulator({ profile: 'chaotic' as ProfileName })).rejects.toThrow(
      /unknown simulator profile "chaotic"/,
    );
  });
});
