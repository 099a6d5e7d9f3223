import type { Clock } from '../../src/platform/index.ts';

/**
 * A clock whose sleep() returns at once and moves time forward by the requested delay.
 * Every delay is recorded so retry tests can assert exact schedules without waiting.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  private currentMs: number;

  constructor(startMs = Date.UTC(2026, 10, 26, 12, 0, 0)) {
    this.currentMs = startMs;
  }

  nowMs(): number {
    return this.currentMs;
  }

  advance(deltaMs: number): void {
    this.currentMs += deltaMs;
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    this.sleeps.push(delayMs);
    this.currentMs += Math.max(0, delayMs);
    return Promise.resolve();
  }
}

/**
 * A clock whose sleep() never returns on its own, only rejects on abort: for code racing a timer
 * (e.g. the hook's time limit) that must always finish first. Time stands still at `nowMs`.
 */
export function patientClock(nowMs = 1_000): Clock {
  return {
    nowMs: () => nowMs,
    sleep: (_delayMs, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          reject(new Error('aborted'));
        });
      }),
  };
}
