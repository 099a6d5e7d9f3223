/**
 * Heap sizing for this workload (issue 11, D68), imported first by main.ts so it applies to
 * `node dist/main.js` and to the installed bin alike (flags in a shebang reach only the bin, and a
 * worker or a re-exec costs a second isolate or process). Both flags are read by V8 at every
 * resize, so setting them at start-up takes effect; the heap-size limits themselves cannot change
 * after start-up.
 * - semi-space-growth-factor=1: the young generation stays at its initial size (default it grows to
 *   16 MB per semi-space when pages arrive back to back); most per-page garbage dies young anyway.
 * - heap-growing-percent=20: after each full collection, old space may grow 20% above the live heap
 *   (15 to 18 MB here) before the next one, instead of V8's factor of up to 4 on a big machine.
 * Measured (bench/results.md): 100k unpaced 111.7 → 83.1 MB peak RSS, CPU unchanged within noise.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=20');
