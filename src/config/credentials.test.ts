import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExtractorError } from '../platform/index.ts';
import { resolveCredentials, secretValues } from './credentials.ts';
import { tempDir, removeTempDir } from '../../test/support/temp-dir.ts';

const SECRET = 'canary-secret-Zx81';
const REFRESH = 'canary-refresh-Qp42';
const TRIO = { PMP_CLIENT_ID: '1000.ABC', PMP_CLIENT_SECRET: SECRET, PMP_REFRESH_TOKEN: REFRESH };

const dir = tempDir('pmp-cred-');
afterAll(() => {
  removeTempDir(dir);
});

function writeFile(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function rejection(run: () => unknown): ExtractorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).code).toBe('config_invalid');
    const message = (error as ExtractorError).message;
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain(REFRESH);
    return error as ExtractorError;
  }
  throw new Error('expected a config_invalid error');
}

const fileJson = JSON.stringify({ client_id: 'file-id', client_secret: SECRET, refresh_token: REFRESH });

describe('resolveCredentials precedence', () => {
  it('prefers the three environment variables over a file and a command', () => {
    const path = writeFile('unused.json', fileJson, 0o600);
    const env = { ...TRIO, PMP_CREDENTIALS_FILE: path, PMP_TOKEN_COMMAND: 'echo tok' };
    expect(resolveCredentials(env)).toEqual({
      kind: 'refresh_token',
      clientId: '1000.ABC',
      clientSecret: SECRET,
      refreshToken: REFRESH,
    });
  });

  it('uses the file before the command', () => {
    const path = writeFile('ok.json', fileJson, 0o600);
    const creds = resolveCredentials({ PMP_CREDENTIALS_FILE: path, PMP_TOKEN_COMMAND: 'echo tok' });
    expect(creds).toEqual({
      kind: 'refresh_token',
      clientId: 'file-id',
      clientSecret: SECRET,
      refreshToken: REFRESH,
    });
  });

  it('falls back to the token command, ignoring empty variables', () => {
    const env = {
      PMP_CLIENT_ID: '',
      PMP_CREDENTIALS_FILE: ' ',
      PMP_TOKEN_COMMAND: 'security find-generic-password -w',
    };
    expect(resolveCredentials(env)).toEqual({
      kind: 'token_command',
      command: 'security find-generic-password -w',
    });
  });

  it('explains the three options when nothing is set', () => {
    const { message } = rejection(() => resolveCredentials({}));
    expect(message).toContain('PMP_CLIENT_ID, PMP_CLIENT_SECRET and PMP_REFRESH_TOKEN');
    expect(message).toContain('PMP_CREDENTIALS_FILE');
    expect(message).toContain('PMP_TOKEN_COMMAND');
  });

  it('refuses a partial environment set, naming the missing variables', () => {
    const { message } = rejection(() =>
      resolveCredentials({ PMP_CLIENT_SECRET: SECRET, PMP_TOKEN_COMMAND: 'echo tok' }),
    );
    expect(message).toContain('missing: PMP_CLIENT_ID, PMP_REFRESH_TOKEN');
  });
});

describe('PMP_CREDENTIALS_FILE', () => {
  it('refuses mode 0644 with a chmod hint and reads nothing', () => {
    const path = writeFile('open.json', fileJson, 0o644);
    let read = false;
    const { message } = rejection(() =>
      resolveCredentials(
        { PMP_CREDENTIALS_FILE: path },
        {
          readFile: () => {
            read = true;
            return fileJson;
          },
        },
      ),
    );
    expect(message).toContain('mode 0644');
    expect(message).toContain(`chmod 600 ${path}`);
    expect(read).toBe(false);
  });

  it('refuses group-only bits too (0640)', () => {
    const path = writeFile('group.json', fileJson, 0o640);
    expect(rejection(() => resolveCredentials({ PMP_CREDENTIALS_FILE: path })).message).toContain(
      'mode 0640',
    );
  });

  it('accepts 0400 and camelCase keys', () => {
    const camel = JSON.stringify({ clientId: 'c', clientSecret: SECRET, refreshToken: REFRESH });
    const path = writeFile('camel.json', camel, 0o400);
    expect(resolveCredentials({ PMP_CREDENTIALS_FILE: path })).toMatchObject({ clientId: 'c' });
  });

  it('expands ~ with the given home directory', () => {
    writeFile('home.json', fileJson, 0o600);
    const creds = resolveCredentials({ PMP_CREDENTIALS_FILE: '~/home.json' }, { homeDir: dir });
    expect(creds).toMatchObject({ clientId: 'file-id' });
  });

  it('reports a missing file by errno', () => {
    const { message } = rejection(() => resolveCredentials({ PMP_CREDENTIALS_FILE: join(dir, 'nope.json') }));
    expect(message).toContain('cannot be read (ENOENT)');
  });

  it('reports an unreadable file', () => {
    const { message } = rejection(() =>
      resolveCredentials(
        { PMP_CREDENTIALS_FILE: '/x' },
        {
          statFile: () => ({ mode: 0o100600 }),
          readFile: () => {
            throw new Error('boom');
          },
        },
      ),
    );
    expect(message).toContain('cannot be read (unreadable)');
  });

  it.each([
    ['broken JSON', `{"client_secret": "${SECRET}", "refresh_token": "${REFRESH}"`],
    ['an array', `["${SECRET}"]`],
    ['plain text', REFRESH],
  ])('refuses %s without echoing the content', (_label, content) => {
    const path = writeFile('bad.json', content, 0o600);
    const error = rejection(() => resolveCredentials({ PMP_CREDENTIALS_FILE: path }));
    expect(error.message).toContain('is malformed');
    expect(error.cause).toBeUndefined();
  });

  it('names missing or non-text keys', () => {
    const path = writeFile('partial.json', JSON.stringify({ client_id: 'c', client_secret: 42 }), 0o600);
    const { message } = rejection(() => resolveCredentials({ PMP_CREDENTIALS_FILE: path }));
    expect(message).toContain('client_secret, refresh_token');
  });
});

describe('secretValues', () => {
  it('lists the client secret and refresh token for the scrubber', () => {
    expect(secretValues(resolveCredentials(TRIO))).toEqual([SECRET, REFRESH]);
    expect(secretValues({ kind: 'token_command', command: 'x' })).toEqual([]);
  });
});
