import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForError, exitCodeForOutcome } from './exit-codes.ts';

describe('exit codes (D10)', () => {
  it('maps run outcomes', () => {
    expect(exitCodeForOutcome('already_complete')).toBe(EXIT.ok);
    expect(exitCodeForOutcome('batch_complete')).toBe(0);
    expect(exitCodeForOutcome('target_met')).toBe(0);
    expect(exitCodeForOutcome('below_target')).toBe(2);
    expect(exitCodeForOutcome('deferred')).toBe(3);
    expect(exitCodeForOutcome('interrupted')).toBe(3);
  });
  it('maps error codes', () => {
    for (const code of [
      'config_invalid',
      'credentials_rejected',
      'token_unavailable',
      'auth_aborted',
      'database_error',
    ] as const) {
      expect(exitCodeForError(code)).toBe(1);
    }
    for (const code of [
      'token_throttled',
      'token_budget_exhausted',
      'lock_held',
      'run_deferred',
      'interrupted',
    ] as const) {
      expect(exitCodeForError(code)).toBe(3);
    }
  });
});
