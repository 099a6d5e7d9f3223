import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../store/index.ts';
import { validateCheckpoint } from './validate-checkpoint.ts';

const good: Checkpoint = {
  snapshot_id: 1,
  last_page: 50,
  systems_extracted: 1250,
  coverage_pct: 37.2,
  total_systems: 3362,
  total_pages: 135,
  page_limit: 25,
  pass_complete: false,
  previous_coverage_pct: null,
  probed_page_size: null,
  page_size_fallback: null,
  updated_at_ms: 0,
};

describe('validateCheckpoint', () => {
  it('accepts a consistent checkpoint and a fresh one', () => {
    expect(validateCheckpoint(good)).toEqual({ valid: true });
    expect(
      validateCheckpoint({
        ...good,
        last_page: 0,
        systems_extracted: 0,
        coverage_pct: 0,
        total_pages: null,
        total_systems: null,
      }),
    ).toEqual({ valid: true });
  });

  it.each([
    [{ last_page: 999 }, 'beyond the last page 135'],
    [{ coverage_pct: 140 }, 'outside 0..100'],
    [{ coverage_pct: -1 }, 'outside 0..100'],
    [{ last_page: -3 }, 'not a page number'],
    [{ last_page: 2.5 }, 'not a page number'],
    [{ systems_extracted: -1 }, 'negative'],
  ] as const)('rejects %o', (patch, reason) => {
    const verdict = validateCheckpoint({ ...good, ...patch });
    expect(verdict.valid).toBe(false);
    expect(verdict.valid ? '' : verdict.reason).toContain(reason);
  });

  it('rejects a missing checkpoint row', () => {
    expect(validateCheckpoint(null)).toEqual({ valid: false, reason: 'snapshot has no checkpoint row' });
  });
});
