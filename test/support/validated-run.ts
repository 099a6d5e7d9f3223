/**
 * Helpers of the end-to-end tests of what a run reports (events, Slack, hook, metrics, output): run
 * the built CLI and validate every stdout line against the event schema, a small intercepting HTTP
 * proxy (to capture access tokens, echo secrets back, or alter one page), and read-only access to the
 * child's database.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { validateEventStream, type AnyLogEvent } from './event-schema.ts';
import { fastEnv, runCli, tempDir, type CliResult } from './run-cli.ts';
export { gapRows, textCells, withDb } from './db.ts';

export interface RunDirs {
  dir: string;
  dbPath: string;
}

export function runDirs(): RunDirs {
  const dir = tempDir('pmp-obs-');
  return { dir, dbPath: join(dir, 'pmp.db') };
}

/** fastEnv plus a private HOME and database; `extra` overrides anything. */
export function obsEnv(
  sim: Pick<Simulator, 'url' | 'credentials'>,
  dirs: RunDirs,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...fastEnv(sim.url, sim.credentials), HOME: dirs.dir, PMP_DB_PATH: dirs.dbPath, ...extra };
}

export interface ValidatedRun extends CliResult {
  /** stdout, every line validated against the schema (the run fails the test otherwise). */
  log: AnyLogEvent[];
}

/** Runs the built CLI and validates its whole stdout against the event schema. */
export async function runValidated(
  args: readonly string[],
  env: Record<string, string>,
): Promise<ValidatedRun> {
  const result = await runCli(args, env);
  return { ...result, log: validateEventStream(result.stdout) };
}

/** What a proxy handler may answer instead of forwarding. */
export interface ProxyReply {
  status: number;
  body: string;
  contentType?: string;
}

export interface ProxyRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface InterceptingProxy {
  url: string;
  requests: ProxyRequest[];
  close(): Promise<void>;
}

/**
 * A buffering proxy in front of `targetUrl`. `intercept` may answer a request itself; otherwise the
 * request is forwarded and `transform` may rewrite the upstream body text before it is passed on.
 * Buffering changes transport-level faults, so put it only in front of simulators without them.
 */
export async function startProxy(
  targetUrl: string,
  hooks: {
    intercept?: (request: ProxyRequest) => ProxyReply | undefined;
    transform?: (request: ProxyRequest, status: number, body: string) => string;
  } = {},
): Promise<InterceptingProxy> {
  const requests: ProxyRequest[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: ProxyRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', targetUrl),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const reply = hooks.intercept?.(request);
    if (reply !== undefined) {
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/plain;charset=UTF-8' });
      res.end(reply.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
        headers[name] = value;
      }
    }
    const upstream = await fetch(request.url, {
      method: request.method,
      headers,
      ...(request.method === 'GET' ? {} : { body: request.body }),
      redirect: 'manual',
    });
    const text = await upstream.text();
    const body = hooks.transform?.(request, upstream.status, text) ?? text;
    const outHeaders: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'date']) {
      const value = upstream.headers.get(name);
      if (value !== null) outHeaders[name] = value;
    }
    res.writeHead(upstream.status, outHeaders);
    res.end(body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The one item of a list that must hold exactly one (asserted). */
export function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}
