/**
 * Real simulator pages as the API sends them (the body text), for the parser tests and the
 * micro-benchmarks: one token, then pages 1..`pages` at 25 records (default: every page of the fleet
 * plus the empty one past it).
 */
import { createSimulator, type SimSettings } from '../../src/simulator/index.ts';

const PAGE_SIZE = 25;

export async function simulatorPageBodies(options: {
  seed: number;
  settings?: Partial<SimSettings>;
  pages?: number;
}): Promise<string[]> {
  const sim = await createSimulator({
    profile: 'clean',
    seed: options.seed,
    ...(options.settings === undefined ? {} : { settings: options.settings }),
  });
  try {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
      refresh_token: sim.credentials.refreshToken,
    });
    const answer = (await (
      await fetch(`${sim.url}/oauth/v2/token`, { method: 'POST', body: form })
    ).json()) as { access_token?: string };
    const token = answer.access_token;
    if (token === undefined) throw new Error('the simulator issued no token');
    const pages = options.pages ?? Math.ceil(sim.settings.systems / PAGE_SIZE) + 1;
    const bodies: string[] = [];
    for (let page = 1; page <= pages; page += 1) {
      const url = `${sim.url}/api/1.4/patch/scandetails?page=${page}&pagelimit=${PAGE_SIZE}`;
      const response = await fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${token}` } });
      bodies.push(await response.text());
    }
    return bodies;
  } finally {
    await sim.close();
  }
}
