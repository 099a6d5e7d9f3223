/**
 * An interactive run without --log-file, through a real pseudo-terminal (util-linux `script`): the
 * JSON lines go to the terminal, so the progress bar is not drawn and no line is cut by a bar frame.
 * Every line on the screen is one whole, valid event with its `msg`. The README's pino-pretty recipe
 * (`2>&1 |`) gets the same clean stream. With --log-file the bar alone shows (observability-tty).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { ofType, parseEventLine, type AnyLogEvent } from '../support/event-schema.ts';
import { runInPty, SCRIPT, shellQuote } from '../support/pty.ts';
import { CLI_PATH } from '../support/run-cli.ts';
import { obsEnv, runDirs } from '../support/validated-run.ts';

/** The escape character: any cursor movement or line clearing (the bar's redraws) starts with it. */
const ESC = '\u001b';

/** The screen's lines (the pty turns each \n into \r\n), each parsed as one event: a broken line throws. */
function screenEvents(screen: string): AnyLogEvent[] {
  const lines = screen.split('\r\n');
  expect(lines.pop()).toBe('');
  return lines.map((line, index) => parseEventLine(line, index + 1));
}

const cli = [process.execPath, CLI_PATH].map(shellQuote).join(' ');

describe.runIf(existsSync(SCRIPT))('an interactive run with the JSON lines on the terminal', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // 10 pages of ~30 ms, so a bar would have redrawn many times; page 3 fails once (a WARNING line).
    sim = await createSimulator({
      profile: 'clean',
      settings: { systems: 250, latencyMs: [30, 30], pageScripts: { 3: [{ kind: 'status', status: 503 }] } },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('shows whole JSON lines only, each with its msg, and no bar', async () => {
    const { code, screen } = await runInPty(cli, obsEnv(sim, runDirs()));
    expect(code).toBe(0);
    expect(screen).not.toContain(ESC);
    expect(screen).not.toContain('PMP ');
    const events = screenEvents(screen);
    expect(events[0]?.event_type).toBe('run_start');
    expect(events.at(-1)?.event_type).toBe('run_complete');
    expect(ofType(events, 'extraction_progress')).toHaveLength(10);
    const [failure] = ofType(events, 'page_extraction_failed');
    expect(failure?.msg).toMatch(/^page 3 attempt 1\/3 failed \(5xx_server_error\): HTTP 503\b.*; retrying$/);
    expect(ofType(events, 'run_complete')[0]?.msg).toMatch(/^run finished: \w+, exit 0, \d+\.\d s$/);
  });

  it('through a pipe with stderr joined (the pino-pretty recipe), the stream is just as clean', async () => {
    // `cat` stands in for pino-pretty, which is not a dependency.
    const { code, screen } = await runInPty(`${cli} 2>&1 | cat`, obsEnv(sim, runDirs()));
    expect(code).toBe(0);
    expect(screen).not.toContain(ESC);
    const events = screenEvents(screen);
    expect(ofType(events, 'extraction_progress')).toHaveLength(10);
    for (const event of events) expect(event.msg.length).toBeGreaterThan(0);
  });
});
