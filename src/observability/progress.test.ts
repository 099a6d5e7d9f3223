import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { createProgressReporter, estimateRemainingMs, shouldDrawProgressBar } from './progress.ts';

class CaptureStream extends Writable {
  readonly chunks: string[] = [];
  readonly isTTY: boolean;
  readonly columns = 160;

  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }

  text(): string {
    return this.chunks.join('');
  }
}

describe('createProgressReporter', () => {
  it('writes 0 bytes when the stream is not a TTY (cron)', async () => {
    const stream = new CaptureStream(false);
    const reporter = await createProgressReporter({ stream, isTTY: false, clock: new FakeClock() });
    reporter.start(135, 51);
    reporter.update({ page: 52, systems: 1300, coveragePct: 38.7, errors: 1 });
    reporter.stop();
    expect(stream.chunks).toHaveLength(0);
  });

  it('renders page, systems, coverage, ETA and errors on a TTY', async () => {
    const stream = new CaptureStream(true);
    const clock = new FakeClock();
    const reporter = await createProgressReporter({ stream, isTTY: true, clock });
    reporter.start(135, 51);
    clock.advance(20_000);
    reporter.update({ page: 60, systems: 1500, coveragePct: 44.6, errors: 2 });
    reporter.stop();
    const text = stream.text();
    expect(text).toContain('page 60/135');
    expect(text).toContain('systems 1,500');
    expect(text).toContain('coverage 44.6%');
    // 10 pages in 20 s, 75 left: 150 s.
    expect(text).toContain('ETA 2m30s');
    expect(text).toContain('errors 2');
  });

  it('shows an unknown ETA before any page is done', async () => {
    const stream = new CaptureStream(true);
    const reporter = await createProgressReporter({ stream, isTTY: true, clock: new FakeClock() });
    reporter.start(10, 1);
    reporter.stop();
    expect(stream.text()).toContain('ETA --');
  });
});

describe('estimateRemainingMs', () => {
  it('extrapolates the pace so far', () => {
    expect(estimateRemainingMs(10, 5, 20_000)).toBe(10_000);
    expect(estimateRemainingMs(0, 5, 20_000)).toBeNull();
    expect(estimateRemainingMs(3, -1, 1_000)).toBe(0);
  });
});

describe('shouldDrawProgressBar', () => {
  it('draws on a terminal unless the JSON lines go to that terminal too', () => {
    // Interactive with --log-file, or stdout piped (to pino-pretty, a file): the bar alone.
    expect(shouldDrawProgressBar({ stderrIsTTY: true, stdoutIsTTY: false, logToFile: false })).toBe(true);
    expect(shouldDrawProgressBar({ stderrIsTTY: true, stdoutIsTTY: true, logToFile: true })).toBe(true);
    // JSON lines on the terminal: no bar to cut into them.
    expect(shouldDrawProgressBar({ stderrIsTTY: true, stdoutIsTTY: true, logToFile: false })).toBe(false);
    // cron, or `2>&1 | pino-pretty`: stderr is not a terminal.
    expect(shouldDrawProgressBar({ stderrIsTTY: false, stdoutIsTTY: false, logToFile: true })).toBe(false);
    expect(shouldDrawProgressBar({ stderrIsTTY: false, stdoutIsTTY: true, logToFile: false })).toBe(false);
  });
});
