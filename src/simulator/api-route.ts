import type { IncomingMessage, ServerResponse } from 'node:http';
import { deliver, faultStatus, sendAuthFailure } from './deliver.ts';
import { pause } from './http-io.ts';
import { applyDueDrift, parsePageQuery, scanDetailsText } from './scandetails.ts';
import { serverPropertiesText } from './server-properties.ts';
import type { SimState } from './sim-state.ts';

/**
 * The PMP API routes: scandetails (`isPage`) and serverproperties. Order: latency, admission faults
 * (quota, rate limit, throttle), the token check, then scripted or random page faults. A scandetails
 * request with `resid` is a lookup by id (D85): admitted and throttled like a page, answered with that
 * one system or an empty list (filters.ts), faulted by `lookupScript` or a random draw, but not a page
 * request: it moves no drift trigger and does not change the page size drift removes by.
 */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimState,
  url: URL,
  isPage: boolean,
): Promise<void> {
  const timeMs = state.nowMs();
  const pageQuery = isPage ? parsePageQuery(url.searchParams) : null;
  const resid = isPage ? url.searchParams.get('resid') : null;
  if (pageQuery && resid === null) {
    state.lastPageSize = pageQuery.limit;
    applyDueDrift(state);
    state.pageRequests += 1;
  }
  const [minMs, maxMs] = state.settings.latencyMs;
  if (!(await pause(minMs + state.latencyRng() * (maxMs - minMs), state.closing))) {
    res.destroy();
    return;
  }
  const page = resid === null ? (pageQuery?.page ?? null) : null;
  const base = { timeMs, method: req.method ?? 'GET', path: url.pathname, page, resid };
  const token = state.tokens.check(req.headers.authorization);
  let fault = state.faults.admission(isPage);
  if (!fault && !token.ok) {
    const status = state.settings.authFailure === '401' ? 401 : 200;
    state.stats.requests.push({ ...base, status, fault: `auth:${token.reason}`, tokenId: token.tokenId });
    sendAuthFailure(res, state);
    return;
  }
  if (!fault && pageQuery)
    fault = resid === null ? state.faults.forPage(pageQuery.page) : state.faults.forLookup();
  state.stats.requests.push({
    ...base,
    status: faultStatus(fault, state),
    fault: fault?.kind ?? null,
    tokenId: token.tokenId,
  });
  const query = new URLSearchParams(url.searchParams);
  if (state.settings.residFilter === 'ignored') query.delete('resid');
  const okText = pageQuery ? scanDetailsText(state, query, pageQuery, fault) : serverPropertiesText();
  await deliver(res, fault, okText, state);
}
