import { toJsonText, type JsonValue } from './json-text.ts';
import { buildRecord } from './record.ts';
import { intBetween, subRng } from './prng.ts';

/** First id of a fleet (D23: EC Cloud ids look like 52549000000186013). */
const FIRST_ID = 52549000000186013n;

export interface InventoryEntry {
  id: bigint;
  record: Record<string, JsonValue>;
  /** The record's JSON text, built once with exact digits. */
  text: string;
}

export interface InventoryChange {
  removeIds?: string[];
  /** Removes the first `count` ids of each listed page, pages of `pageSize` (1-based). */
  removeFromPages?: { pages: number[]; count: number };
  add?: number;
  /** Systems (back) in the fleet with these ids, in id order (one removed earlier reappears). */
  restoreIds?: readonly string[];
  /** Replaces these keys of these systems' records (a system that changed between passes, D112). */
  edit?: { ids: readonly string[]; fields: Readonly<Record<string, JsonValue>> };
}

/**
 * The live fleet: ids in ascending order (the order pages are cut from). Adjacent ids mostly differ by 1,
 * so that JSON.parse (which rounds to multiples of 8 at this magnitude) makes them collide.
 */
export class Inventory {
  readonly #seed: number;
  readonly #referenceTimeMs: number;
  #entries: InventoryEntry[] = [];

  constructor(systems: number, seed: number, referenceTimeMs: number) {
    this.#seed = seed;
    this.#referenceTimeMs = referenceTimeMs;
    const rng = subRng(seed, 'ids');
    let id = FIRST_ID + BigInt(intBetween(rng, 0, 999)) * 1000n;
    for (let i = 0; i < systems; i++) {
      this.#entries.push(this.#entry(id));
      // Mostly consecutive, sometimes a small hole where a system was deleted long ago.
      id += 1n + (rng() < 0.15 ? BigInt(intBetween(rng, 1, 3)) : 0n);
    }
  }

  get size(): number {
    return this.#entries.length;
  }

  entries(): readonly InventoryEntry[] {
    return this.#entries;
  }

  ids(): string[] {
    return this.#entries.map((entry) => entry.id.toString());
  }

  apply(change: InventoryChange, pageSize: number): void {
    const removed = new Set(change.removeIds ?? []);
    const fromPages = change.removeFromPages;
    if (fromPages) {
      for (const page of fromPages.pages) {
        const start = (page - 1) * pageSize;
        for (const entry of this.#entries.slice(start, start + Math.min(fromPages.count, pageSize))) {
          removed.add(entry.id.toString());
        }
      }
    }
    this.#entries = this.#entries.filter((entry) => !removed.has(entry.id.toString()));
    const present = new Set(this.#entries.map((entry) => entry.id.toString()));
    const restored = (change.restoreIds ?? []).filter((id) => !present.has(id));
    if (restored.length > 0) {
      this.#entries = [...this.#entries, ...restored.map((id) => this.#entry(BigInt(id)))].sort((a, b) =>
        a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
    }
    const edited = new Set(change.edit?.ids ?? []);
    this.#entries = this.#entries.map((entry) => {
      if (!edited.has(entry.id.toString())) return entry;
      const record = { ...entry.record, ...change.edit?.fields };
      return { id: entry.id, record, text: toJsonText(record) };
    });
    let nextId = this.#entries.reduce((max, entry) => (entry.id > max ? entry.id : max), FIRST_ID) + 1n;
    for (let i = 0; i < (change.add ?? 0); i++) {
      this.#entries.push(this.#entry(nextId));
      nextId += 1n;
    }
  }

  #entry(id: bigint): InventoryEntry {
    const record = buildRecord(id, this.#seed, this.#referenceTimeMs);
    return { id, record, text: toJsonText(record) };
  }
}
