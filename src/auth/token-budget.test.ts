import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.ts';
import { recordingLogger } from '../../test/support/recording-logger.ts';
import { ExtractorError } from '../platform/index.ts';
import { createTokenBudget, type TokenBudgetStore } from './token-budget.ts';

function memoryStore(): TokenBudgetStore & { times: number[] } {
  const times: number[] = [];
  return {
    times,
    recordTokenRequest: (nowMs) => {
      times.push(nowMs);
      return Promise.resolve();
    },
    countTokenRequestsSince: (sinceMs) => Promise.resolve(times.filter((t) => t > sinceMs).length),
  };
}

describe('createTokenBudget', () => {
  it('records before each request, then refuses once the window is full', async () => {
    const store = memoryStore();
    const clock = new FakeClock();
    const logger = recordingLogger();
    const budget = createTokenBudget({ store, clock, logger, maxRequests: 3, windowMs: 600_000 });
    await budget.take();
    await budget.take();
    await budget.take();
    expect(store.times).toHaveLength(3);
    expect(logger.events.at(-1)).toEqual({
      type: 'token_budget',
      fields: { used: 3, limit: 3, window_s: 600 },
      level: undefined,
    });
    let error: unknown;
    try {
      await budget.take();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExtractorError);
    expect((error as ExtractorError).code).toBe('token_budget_exhausted');
    expect((error as ExtractorError).message).toBe(
      'token budget spent: 3 token requests in the last 10 minutes; the next run will continue',
    );
    expect(store.times).toHaveLength(3);

    clock.advance(600_000);
    await expect(budget.take()).resolves.toBeUndefined();
  });

  it('describes a window that is not whole minutes in seconds', async () => {
    const budget = createTokenBudget({
      store: memoryStore(),
      clock: new FakeClock(),
      logger: recordingLogger(),
      maxRequests: 0,
      windowMs: 90_000,
    });
    await expect(budget.take()).rejects.toThrow('in the last 90 s');
  });
});
