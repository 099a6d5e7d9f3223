/**
 * `pmp-extractor simulate` as a user runs it (issue 2): the BUILT CLI serves the simulator, prints its
 * base URL first, and a client that only knows what was printed gets a token from the token endpoint
 * (form body) and page 1 of scandetails in the documented envelope. The HTTP client is curl when it is
 * installed (the issue asks for "a curl of page 1"), else fetch; the test names say which ran.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli, tempDir } from '../support/run-cli.ts';

const execFileAsync = promisify(execFile);

const CURL = (process.env['PATH'] ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'curl'))
  .find((path) => existsSync(path));
const CLIENT = CURL === undefined ? 'fetch' : 'curl';

interface HttpAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** One request through curl (status and content type via --write-out) or, without curl, fetch. */
async function request(
  url: string,
  options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const { form, headers = {} } = options;
  if (CURL === undefined) {
    const init: RequestInit = { headers };
    if (form !== undefined) {
      init.method = 'POST';
      init.body = new URLSearchParams(form);
    }
    const response = await fetch(url, init);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.text(),
    };
  }
  const marker = '\n--curl-meta--';
  const args = ['-sS', '--max-time', '10', '-w', `${marker}%{http_code} %{content_type}`];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  if (form !== undefined) {
    args.push('-X', 'POST');
    // --data-urlencode, as a user's `curl -d` but safe for any character; curl sends a form body.
    for (const [name, value] of Object.entries(form)) args.push('--data-urlencode', `${name}=${value}`);
  }
  args.push(url);
  const { stdout } = await execFileAsync(CURL, args, { encoding: 'utf8', maxBuffer: 10 * 1024 * 1024 });
  const at = stdout.lastIndexOf(marker);
  const meta = stdout.slice(at + marker.length);
  const space = meta.indexOf(' ');
  return {
    status: Number(meta.slice(0, space)),
    contentType: meta.slice(space + 1) || null,
    body: stdout.slice(0, at),
  };
}

let child: ChildProcess | undefined;

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'close');
  }
  child = undefined;
});

/** Starts `simulate` and resolves with everything it printed up to the `curl` hint lines. */
async function startSimulate(args: readonly string[]): Promise<{ proc: ChildProcess; lines: string[] }> {
  const home = tempDir('pmp-e2e-sim-');
  const proc = spawn(process.execPath, [CLI_PATH, 'simulate', ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  proc.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: string): void => {
      stdout += chunk;
      // The banner ends with the scandetails curl hint.
      if (stdout.includes('/api/1.4/patch/scandetails') && stdout.endsWith('\n')) {
        proc.stdout.off('data', onData);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => {
      reject(new Error(`simulate exited early with ${String(code)}: ${stderr}`));
    });
  });
  return { proc, lines: stdout.split('\n').filter((line) => line !== '') };
}

/** `# export A=1 B=2` lines → { A: '1', B: '2' }. */
function exportedValues(lines: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    if (!line.startsWith('# export ')) continue;
    for (const pair of line.slice('# export '.length).split(' ')) {
      const eq = pair.indexOf('=');
      if (eq > 0) values[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return values;
}

describe('pmp-extractor simulate (built CLI)', () => {
  it(`serves the seed profile: token from the printed credentials, then page 1 in the documented envelope (via ${CLIENT})`, async () => {
    const { proc, lines } = await startSimulate(['--profile', 'seed', '--port', '0']);

    // First line: the base URL and nothing else, on loopback with the port the OS chose.
    const baseUrl = lines[0] ?? '';
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(baseUrl).port)).toBeGreaterThan(0);
    expect(lines.slice(1).every((line) => line.startsWith('#'))).toBe(true);
    expect(lines.join('\n')).toContain('profile seed');

    const printed = exportedValues(lines);
    expect(printed['PMP_SERVER_URL']).toBe(baseUrl);
    expect(printed['PMP_ACCOUNTS_URL']).toBe(baseUrl);
    const clientId = printed['PMP_CLIENT_ID'] ?? '';
    const clientSecret = printed['PMP_CLIENT_SECRET'] ?? '';
    const refreshToken = printed['PMP_REFRESH_TOKEN'] ?? '';
    expect([clientId, clientSecret, refreshToken].every((value) => value.length > 10)).toBe(true);

    // Zoho accounts: refresh-token grant with the parameters in a form body.
    const tokenAnswer = await request(`${baseUrl}/oauth/v2/token`, {
      form: {
        grant_type: 'refresh_token',
        client_id: clientId,
        client_secret: clientSecret,
        refresh_token: refreshToken,
      },
    });
    expect(tokenAnswer.status).toBe(200);
    const token = JSON.parse(tokenAnswer.body) as Record<string, unknown>;
    expect(Object.keys(token).sort()).toEqual(['access_token', 'api_domain', 'expires_in', 'token_type']);
    expect(token['token_type']).toBe('Bearer');
    // The seed profile's short lifetime (several refreshes per batch), not the real 3600.
    expect(token['expires_in']).toBe(10);
    const accessToken = token['access_token'];
    if (typeof accessToken !== 'string') throw new Error('no access_token in the token answer');
    expect(accessToken.length).toBeGreaterThan(10);

    // PMP: page 1 of scandetails with the Zoho-oauthtoken header.
    const page = await request(`${baseUrl}/api/1.4/patch/scandetails?page=1&pagelimit=25`, {
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
    });
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/plain;charset=UTF-8');

    const envelope = JSON.parse(page.body) as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual([
      'message_response',
      'message_type',
      'message_version',
      'status',
    ]);
    expect(envelope['message_type']).toBe('scandetails');
    expect(envelope['message_version']).toBe('1.4');
    expect(envelope['status']).toBe('success');
    const response = envelope['message_response'] as Record<string, unknown>;
    expect(Object.keys(response).sort()).toEqual(['limit', 'page', 'scandetails', 'total']);
    expect(response['total']).toBe(3362);
    expect(response['limit']).toBe(25);
    expect(response['page']).toBe(1);
    const records = response['scandetails'] as Record<string, unknown>[];
    expect(records).toHaveLength(25);
    for (const record of records) {
      expect(record).toHaveProperty(['resource.name']);
      expect(typeof record['branch_office_name']).toBe('string');
    }

    // 17-digit ids, read from the raw text: resource_id_string carries the same digits, and JSON.parse
    // would round at least some of them (they exceed 2^53).
    const rawIds = [...page.body.matchAll(/"resource_id":(\d+)[,}]/g)].map((match) => match[1] ?? '');
    const idStrings = [...page.body.matchAll(/"resource_id_string":"(\d+)"/g)].map((match) => match[1] ?? '');
    expect(rawIds).toHaveLength(25);
    expect(rawIds.every((id) => /^\d{17}$/.test(id))).toBe(true);
    expect(idStrings).toEqual(rawIds);
    expect(new Set(rawIds).size).toBe(25);
    const rounded = records.map((record) => String(record['resource_id']));
    expect(rounded.some((value, index) => value !== rawIds[index])).toBe(true);

    // SIGTERM: the server closes and the process exits 0.
    const closed = once(proc, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    proc.kill('SIGTERM');
    const [code, signal] = await closed;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    // And it really stopped serving.
    await expect(fetch(`${baseUrl}/oauth/v2/token`, { method: 'POST' })).rejects.toThrow();
  });

  it('refuses an unknown profile with exit 1 and a usage message naming the profiles', async () => {
    const result = await runCli(['simulate', '--profile', 'nope'], { HOME: tempDir('pmp-e2e-sim-') });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("'nope'");
    expect(result.stderr).toMatch(/clean, seed, chaos, realistic/);
    expect(result.stderr).toContain('Usage: pmp-extractor simulate');
  });

  it('serves a silent pagelimit cap with --page-cap 25:silent: 25 records, the limit asked for echoed', async () => {
    const { proc, lines } = await startSimulate(['--profile', 'clean', '--page-cap', '25:silent']);
    const baseUrl = lines[0] ?? '';
    expect(lines.join('\n')).toContain('pagelimit cap 25 (silent)');
    const printed = exportedValues(lines);
    const tokenAnswer = await request(`${baseUrl}/oauth/v2/token`, {
      form: {
        grant_type: 'refresh_token',
        client_id: printed['PMP_CLIENT_ID'] ?? '',
        client_secret: printed['PMP_CLIENT_SECRET'] ?? '',
        refresh_token: printed['PMP_REFRESH_TOKEN'] ?? '',
      },
    });
    const accessToken = String((JSON.parse(tokenAnswer.body) as Record<string, unknown>)['access_token']);
    const page = await request(`${baseUrl}/api/1.4/patch/scandetails?page=2&pagelimit=1000`, {
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
    });
    const response = (JSON.parse(page.body) as { message_response: Record<string, unknown> })
      .message_response;
    expect(response).toMatchObject({ total: 3362, limit: 1000, page: 2 });
    expect(response['scandetails']).toHaveLength(25);
    proc.kill('SIGTERM');
    await once(proc, 'close');
  });

  it('refuses a --page-cap it cannot read with exit 1', async () => {
    const result = await runCli(['simulate', '--page-cap', '25:loud'], { HOME: tempDir('pmp-e2e-sim-') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '--page-cap must be a page size, optionally :echo, :silent or :hang (got "25:loud")',
    );
  });
});
