/**
 * Checkpoint validation (D6). A checkpoint is trusted only if it is internally
 * consistent; otherwise the run logs `checkpoint_corruption` and resumes from a safe state. Pure.
 */
import type { Checkpoint } from '../store/index.ts';

export type CheckpointVerdict = { valid: true } | { valid: false; reason: string };

export function validateCheckpoint(checkpoint: Checkpoint | null): CheckpointVerdict {
  if (checkpoint === null) return { valid: false, reason: 'snapshot has no checkpoint row' };
  const { last_page: lastPage, coverage_pct: coveragePct, total_pages: totalPages } = checkpoint;
  if (!Number.isInteger(lastPage) || lastPage < 0) {
    return { valid: false, reason: `last_page ${lastPage} is not a page number` };
  }
  if (!Number.isFinite(coveragePct) || coveragePct < 0 || coveragePct > 100) {
    return { valid: false, reason: `coverage_pct ${coveragePct} is outside 0..100` };
  }
  if (totalPages !== null && lastPage > totalPages) {
    return { valid: false, reason: `last_page ${lastPage} is beyond the last page ${totalPages}` };
  }
  if (checkpoint.systems_extracted < 0) {
    return { valid: false, reason: `systems_extracted ${checkpoint.systems_extracted} is negative` };
  }
  return { valid: true };
}
