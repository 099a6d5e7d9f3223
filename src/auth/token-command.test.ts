import { describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { runShellCommand } from './run-command.ts';
import { fetchTokenFromCommand, parseCommandOutput } from './token-command.ts';

const TOKEN = 'canary-cmd-token-Ab12';
const STDERR_SECRET = 'canary-stderr-Cd34';

async function failure(promise: Promise<unknown>): Promise<ExtractorError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractorError);
  const { code, message } = error as ExtractorError;
  expect(code).toBe('token_unavailable');
  for (const secret of [TOKEN, STDERR_SECRET]) expect(message).not.toContain(secret);
  return error as ExtractorError;
}

const run = (command: string, timeoutMs = 5000): Promise<unknown> =>
  fetchTokenFromCommand({ command, timeoutMs });

describe('fetchTokenFromCommand with /bin/sh', () => {
  it('reads a bare token (TTL unknown)', async () => {
    await expect(run(`printf '%s\\n' ${TOKEN}`)).resolves.toEqual({ accessToken: TOKEN, ttlS: null });
  });

  it('reads JSON with expires_in', async () => {
    const json = JSON.stringify({ access_token: TOKEN, expires_in: 3600 });
    await expect(run(`echo '${json}'`)).resolves.toEqual({ accessToken: TOKEN, ttlS: 3600 });
  });

  it('ignores stderr on success', async () => {
    await expect(run(`echo ${STDERR_SECRET} >&2; echo ${TOKEN}`)).resolves.toMatchObject({
      accessToken: TOKEN,
    });
  });

  it('reports a non-zero exit code without echoing stdout or stderr', async () => {
    const error = await failure(run(`echo ${TOKEN}; echo ${STDERR_SECRET} >&2; exit 3`));
    expect(error.message).toContain('exited with code 3');
  });

  it('kills a command that outlives its timeout', async () => {
    const started = Date.now();
    const error = await failure(run(`sleep 5; echo ${TOKEN}`, 150));
    expect(error.message).toContain('timed out after 150 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a command killed by a signal', async () => {
    const error = await failure(run('kill -9 $$'));
    expect(error.message).toContain('killed by a signal');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = fetchTokenFromCommand({ command: 'sleep 5', timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => {
      controller.abort(new Error('shutdown'));
    }, 50);
    await expect(pending).rejects.toThrow('shutdown');
    const aborted = AbortSignal.abort(new Error('already'));
    await expect(runShellCommand('echo hi', 1000, aborted)).rejects.toThrow('already');
  });

  it('reports a command that cannot be started', async () => {
    const spawnFailure = Object.assign(new Error('spawn /bin/sh ENOENT'), { code: 'ENOENT' });
    const error = await failure(
      fetchTokenFromCommand({ command: 'x', timeoutMs: 10, runCommand: () => Promise.reject(spawnFailure) }),
    );
    expect(error.message).toContain('could not be started (ENOENT)');
    const odd = await failure(
      fetchTokenFromCommand({
        command: 'x',
        timeoutMs: 10,
        runCommand: () => Promise.reject(new Error('x')),
      }),
    );
    expect(odd.message).toContain('spawn failed');
  });
});

describe('fetchTokenFromCommand with a huge single-word output (D31)', () => {
  it.each([
    ['a bare word of 4097 characters', 'x'.repeat(4097), 'an access token of 4097 characters'],
    [
      'JSON with a 5000-character token',
      JSON.stringify({ access_token: 'x'.repeat(5000) }),
      'an access token of 5000 characters',
    ],
  ])('refuses %s, never cuts it down and uses it', async (_, output, text) => {
    const error = await failure(Promise.resolve().then(() => parseCommandOutput(output)));
    expect(error.message).toContain(text);
  });

  it('refuses a 100 000-character word instead of using its first 64 KB', async () => {
    const error = await failure(run(`head -c 100000 /dev/zero | tr '\\0' x`));
    expect(error.message).toContain('at most 4096');
    expect(error.message).not.toContain('xxxxxxxx');
  });

  it('accepts a token of exactly 4096 characters', async () => {
    await expect(run(`head -c 4096 /dev/zero | tr '\\0' y`)).resolves.toEqual({
      accessToken: 'y'.repeat(4096),
      ttlS: null,
    });
  });
});

describe('parseCommandOutput', () => {
  it.each([
    ['', 'printed nothing'],
    [`{"access_token": "${TOKEN}"`, 'malformed JSON'],
    [`{"token": "${TOKEN}"}`, 'without a usable "access_token"'],
    [`{"access_token": "${TOKEN} x"}`, 'without a usable "access_token"'],
    [`Bearer ${TOKEN}`, 'more than one word'],
    [`${TOKEN}\nsecond line`, 'more than one word'],
    [`tok\u0007en`, 'more than one word'],
  ])('refuses %j without echoing it', async (output, text) => {
    const error = await failure(Promise.resolve().then(() => parseCommandOutput(output)));
    expect(error.message).toContain(text);
  });
});
