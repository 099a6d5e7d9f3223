import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { createPacer } from './pacer.ts';

describe('createPacer', () => {
  it('does not wait for the first request', async () => {
    const clock = new FakeClock();
    await createPacer(clock, 250).waitTurn();
    expect(clock.sleeps).toEqual([]);
  });

  it('spaces starts start-to-start: latency counts toward the spacing', async () => {
    const clock = new FakeClock();
    const pacer = createPacer(clock, 250);
    const starts: number[] = [];
    for (const latencyMs of [100, 400, 0]) {
      await pacer.waitTurn();
      starts.push(clock.nowMs());
      clock.advance(latencyMs);
    }
    expect(clock.sleeps).toEqual([150]); // 250 - 100; the 400 ms response already exceeded the spacing
    expect(starts.map((ms) => ms - (starts[0] ?? 0))).toEqual([0, 250, 650]);
  });

  it('measures spacing from the real start when a timer fires late', async () => {
    const clock = new FakeClock();
    let late = true;
    const lateClock = {
      nowMs: () => clock.nowMs(),
      // The first sleep overshoots by 100 ms, as on a busy event loop; later ones are on time.
      sleep: (delayMs: number) => {
        const overshootMs = late ? 100 : 0;
        late = false;
        return clock.sleep(delayMs + overshootMs);
      },
    };
    const pacer = createPacer(lateClock, 250);
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      await pacer.waitTurn();
      starts.push(clock.nowMs());
    }
    const gaps = starts.slice(1).map((ms, i) => ms - (starts[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
  });

  it('queues concurrent callers one slot apart', async () => {
    const clock = new FakeClock();
    const pacer = createPacer(clock, 250);
    const t0 = clock.nowMs();
    await Promise.all([pacer.waitTurn(), pacer.waitTurn(), pacer.waitTurn()]);
    // The fake clock advances inside sleep(), so each reserved slot is 250 ms after the previous one.
    expect(clock.sleeps).toEqual([250, 250]);
    expect(clock.nowMs() - t0).toBe(500);
  });

  it('rejects with the abort reason', async () => {
    const clock = new FakeClock();
    const pacer = createPacer(clock, 250);
    const controller = new AbortController();
    controller.abort(new Error('SIGTERM'));
    await expect(pacer.waitTurn(controller.signal)).rejects.toThrow('SIGTERM');
  });

  it('never sleeps with zero spacing', async () => {
    const clock = new FakeClock();
    const pacer = createPacer(clock, 0);
    await pacer.waitTurn();
    await pacer.waitTurn();
    expect(clock.sleeps).toEqual([]);
  });
});
