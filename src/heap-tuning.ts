/**
 * Heap sizing for this workload (issue 11, D68), imported first by main.ts so it applies to
 * `node dist/main.js` and to the installed bin alike (flags in a shebang reach only the bin, and a
 * worker or a re-exec costs a second isolate or process). Each flag is read by V8 whenever it sizes
 * the heap or schedules a collection, so setting them at start-up takes effect; the heap-size limits
 * themselves cannot change after start-up.
 * - semi-space-growth-factor=1: the young generation stays at its initial size (default it grows to
 *   16 MB per semi-space when pages arrive back to back); most per-page garbage dies young anyway.
 * - optimize-for-size: V8's full collection then runs once old space holds 2 MB more than the live
 *   heap, not 8 MB more. Dead pages of 1000 records (a 1.8 MB body string each, in large-object space,
 *   which only a full collection frees) no longer pile up between collections.
 * - heap-growing-percent=35: ... or 35% more than the live heap (12 to 16 MB here), whichever is
 *   larger. 20% with optimize-for-size collected too often (CPU +15%); 60% gave back half the memory.
 * Measured (docs/decisions.md, D68; bench/results.md), with D136: 100k with PMP_PAGE_SIZE=auto 92.4 →
 * 87.7 MiB median peak RSS, no run above 90 MiB; 100k at 25 per page 84.0 → 78.7 MiB, for about 13%
 * more CPU there.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--optimize-for-size');
setFlagsFromString('--heap-growing-percent=35');
