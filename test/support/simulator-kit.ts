/**
 * Helpers for the simulator's own tests (and the e2e tests elsewhere): start a simulator, get a token
 * and fetch pages over real HTTP. Not used by production code.
 */
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';

const open: Simulator[] = [];

/** Starts a simulator that `closeAllSimulators()` (call it in afterEach) will stop. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await createSimulator(options);
  open.push(sim);
  return sim;
}

export async function closeAllSimulators(): Promise<void> {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
}

/** A settable clock: tests move `nowMs` instead of sleeping. */
export function manualClock(startMs = 1_767_225_600_000): {
  nowMs(): number;
  advance(deltaMs: number): void;
} {
  let nowMs = startMs;
  return {
    nowMs: () => nowMs,
    advance: (deltaMs) => {
      nowMs += deltaMs;
    },
  };
}

export function tokenParams(sim: Simulator, overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: sim.credentials.clientId,
    client_secret: sim.credentials.clientSecret,
    refresh_token: sim.credentials.refreshToken,
    ...overrides,
  });
}

/** POSTs the refresh grant with the parameters in the query string; returns the parsed answer. */
export async function requestToken(
  sim: Simulator,
  overrides: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${sim.url}/oauth/v2/token?${tokenParams(sim, overrides).toString()}`, { method: 'POST' });
}

export async function getToken(sim: Simulator): Promise<string> {
  const body = (await (await requestToken(sim)).json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error('no token issued');
  return body.access_token;
}

export interface PageOptions {
  page?: number;
  pagelimit?: number;
  query?: Record<string, string>;
  signal?: AbortSignal;
}

export async function fetchPage(sim: Simulator, token: string, options: PageOptions = {}): Promise<Response> {
  const query = new URLSearchParams(options.query);
  if (options.page !== undefined) query.set('page', String(options.page));
  if (options.pagelimit !== undefined) query.set('pagelimit', String(options.pagelimit));
  const init: RequestInit = { headers: { Authorization: `Zoho-oauthtoken ${token}` } };
  if (options.signal) init.signal = options.signal;
  return fetch(`${sim.url}/api/1.4/patch/scandetails?${query.toString()}`, init);
}

/** The raw digits of every `"resource_id":<number>` in a body, read from the text (no number parsing). */
export function rawResourceIds(text: string): string[] {
  return [...text.matchAll(/"resource_id":(\d+)/g)].map((match) => match[1] ?? '');
}

interface EnvelopeShape {
  message_type: string;
  message_response: Record<string, unknown> & { total: number | string; limit: number; page: number };
  message_version: string;
  status: string;
}

export function envelopeOf(text: string): EnvelopeShape {
  return JSON.parse(text) as EnvelopeShape;
}

/** Records of an envelope, read under `key` (default `scandetails`). */
export function recordsOf(text: string, key = 'scandetails'): Record<string, unknown>[] {
  return envelopeOf(text).message_response[key] as Record<string, unknown>[];
}
