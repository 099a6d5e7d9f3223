import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleApi } from './api-route.ts';
import { JSON_CONTENT_TYPE, jsonErrorText } from './bodies.ts';
import { readBody, sendText } from './http-io.ts';
import type { SimState } from './sim-state.ts';

const TOKEN_PATH = '/oauth/v2/token';
const SCANDETAILS_PATH = '/api/1.4/patch/scandetails';
const SERVER_PROPERTIES_PATH = '/api/1.4/desktop/serverproperties';
const SLACK_PREFIX = '/__sim/slack/';

/** Slack's plain-text answers for the statuses a webhook returns. */
const SLACK_BODIES: Record<number, string> = { 200: 'ok', 404: 'no_service', 410: 'channel_is_archived' };

/** Zoho accounts: refresh-token grant, parameters in the query string or a form body (form wins). */
async function handleToken(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimState,
  url: URL,
): Promise<void> {
  const timeMs = state.nowMs();
  const params = new URLSearchParams(url.searchParams);
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(await readBody(req))) params.set(key, value);
  }
  const answer = state.tokens.issue(params);
  state.stats.tokenRequests.push({ timeMs, outcome: answer.outcome });
  state.stats.requests.push({
    timeMs,
    method: 'POST',
    path: url.pathname,
    page: null,
    resid: null,
    status: answer.status,
    fault: null,
    tokenId: null,
  });
  sendText(res, answer.status, 'application/json;charset=UTF-8', JSON.stringify(answer.body));
}

async function handleSlack(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimState,
  url: URL,
): Promise<void> {
  const timeMs = state.nowMs();
  const text = await readBody(req);
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: keep the raw text so a test can see what was posted.
  }
  const status = state.settings.slackStatus;
  state.stats.slackMessages.push({ timeMs, body });
  state.stats.requests.push({
    timeMs,
    method: 'POST',
    path: url.pathname,
    page: null,
    resid: null,
    status,
    fault: null,
    tokenId: null,
  });
  sendText(res, status, 'text/html', SLACK_BODIES[status] ?? 'error');
}

export async function route(req: IncomingMessage, res: ServerResponse, state: SimState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (method === 'POST' && path === TOKEN_PATH) return handleToken(req, res, state, url);
  if (method === 'GET' && path === SCANDETAILS_PATH) return handleApi(req, res, state, url, true);
  if (method === 'GET' && path === SERVER_PROPERTIES_PATH) return handleApi(req, res, state, url, false);
  if (method === 'POST' && path.startsWith(SLACK_PREFIX)) return handleSlack(req, res, state, url);
  if (method === 'GET' && path === '/__sim/stats') {
    sendText(res, 200, 'application/json', JSON.stringify(state.stats.snapshot(state.inventory.ids())));
    return;
  }
  const known = [TOKEN_PATH, SCANDETAILS_PATH, SERVER_PROPERTIES_PATH].includes(path);
  const status = known ? 405 : 404;
  state.stats.requests.push({
    timeMs: state.nowMs(),
    method,
    path,
    page: null,
    resid: null,
    status,
    fault: null,
    tokenId: null,
  });
  sendText(
    res,
    status,
    JSON_CONTENT_TYPE,
    jsonErrorText(status, false, undefined, known ? 'Method not allowed' : undefined),
  );
}
