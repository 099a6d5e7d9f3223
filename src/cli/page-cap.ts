/**
 * `--page-cap <n[:mode]>` of `simulate` and `demo` (D74): the simulator's pagelimit cap, e.g. `1000`
 * (honoured up to 1000, the cap echoed above it), `25:silent` or `25:hang`. Null when it does not parse.
 */
export interface PageCap {
  max: number;
  over: 'echo' | 'silent' | 'hang';
}

export function parsePageCap(spec: string): PageCap | null {
  const match = /^(\d{1,7})(?::(echo|silent|hang))?$/.exec(spec);
  const max = Number(match?.[1]);
  if (match === null || !(max >= 1)) return null;
  const over = match[2];
  return { max, over: over === 'silent' || over === 'hang' ? over : 'echo' };
}
