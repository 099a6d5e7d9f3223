/**
 * Runs a shell command under util-linux `script`, so its stdin, stdout and stderr are a
 * pseudo-terminal, and returns what the terminal showed (the pty turns each \n into \r\n).
 */
import { spawn } from 'node:child_process';

export const SCRIPT = '/usr/bin/script';

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function runInPty(
  shellCommand: string,
  env: Record<string, string>,
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-q', '-e', '-c', shellCommand, '/dev/null'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SHELL: '/bin/sh', TERM: 'xterm', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, screen });
    });
  });
}
