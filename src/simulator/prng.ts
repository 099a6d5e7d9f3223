/**
 * Seeded, deterministic randomness for the simulator: the same seed gives the same inventory, tokens,
 * latencies and random faults. mulberry32 is tiny, fast and good enough for test data (not crypto).
 */
export type Rng = () => number;

/** A uniform generator in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string: derives independent sub-seeds ("tokens", "faults", a record id) from one seed. */
export function hashString(text: string, seed = 0): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A named stream derived from the run seed, so adding draws to one stream never shifts another. */
export function subRng(seed: number, stream: string): Rng {
  return mulberry32(hashString(stream, seed));
}

/** An integer in [min, max], both inclusive. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(rng: Rng, items: readonly [T, ...T[]]): T {
  return items[Math.floor(rng() * items.length)] ?? items[0];
}

/** One element chosen by weight; weights need not sum to 1. */
export function pickWeighted<T>(rng: Rng, items: readonly [T, ...T[]], weightOf: (item: T) => number): T {
  const totalWeight = items.reduce((sum, item) => sum + weightOf(item), 0);
  let remaining = rng() * totalWeight;
  for (const item of items) {
    remaining -= weightOf(item);
    if (remaining < 0) return item;
  }
  return items[items.length - 1] ?? items[0];
}

/** Lower-case hex of `length` digits. */
export function hexString(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}
