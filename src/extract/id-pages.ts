/**
 * The page each id was read on by this run (D53's duplicate and shift check), kept compact (D131).
 * A Map<string, number> costs about 90 bytes per id (the id string plus the entry); at 100,000 systems
 * that was 7 MB of live heap at the end of a pass. PMP resource ids are decimal integers of 17 digits,
 * so an id in canonical decimal form (no sign, no leading zero, at most 18 digits) is kept as two
 * 32-bit halves, hi = all but the last 9 digits and lo = the last 9, in an open-addressing table: 12
 * bytes per slot. The canonical form makes (hi, lo) one-to-one with the text, so this is exact, not a
 * hash. Any other id goes to a Map.
 */
const LO_DIGITS = 9;
const MAX_DIGITS = 18;
const INITIAL_SLOTS = 1024;
/** Grow when more than this share of slots is taken (linear probing stays short below it). */
const MAX_LOAD = 0.6;

interface Halves {
  hi: number;
  lo: number;
}

/** (hi, lo) of a canonical decimal id, or null for any other text. */
function halvesOf(id: string): Halves | null {
  const length = id.length;
  if (length === 0 || length > MAX_DIGITS) return null;
  if (length > 1 && id.charCodeAt(0) === 0x30) return null;
  let hi = 0;
  let lo = 0;
  const split = length - LO_DIGITS;
  for (let index = 0; index < length; index += 1) {
    const digit = id.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return null;
    if (index < split) hi = hi * 10 + digit;
    else lo = lo * 10 + digit;
  }
  return { hi, lo };
}

function slotOf(hi: number, lo: number, mask: number): number {
  return (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) ^ lo) & mask;
}

export class IdPages {
  #hi = new Uint32Array(INITIAL_SLOTS);
  #lo = new Uint32Array(INITIAL_SLOTS);
  /** page + 1 of the slot's id; 0 marks a free slot (page 0 is a lookup by id, D85). */
  #pagePlusOne = new Int32Array(INITIAL_SLOTS);
  #taken = 0;
  readonly #others = new Map<string, number>();

  get size(): number {
    return this.#taken + this.#others.size;
  }

  get(id: string): number | undefined {
    const halves = halvesOf(id);
    if (halves === null) return this.#others.get(id);
    const slot = this.#find(halves.hi, halves.lo);
    const stored = this.#pagePlusOne[slot] ?? 0;
    return stored === 0 ? undefined : stored - 1;
  }

  set(id: string, page: number): void {
    const halves = halvesOf(id);
    if (halves === null) {
      this.#others.set(id, page);
      return;
    }
    this.#put(halves.hi, halves.lo, page + 1);
  }

  /** The slot holding (hi, lo), or the free slot where it would go. */
  #find(hi: number, lo: number): number {
    const mask = this.#pagePlusOne.length - 1;
    let slot = slotOf(hi, lo, mask);
    while (this.#pagePlusOne[slot] !== 0 && (this.#hi[slot] !== hi || this.#lo[slot] !== lo)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  #put(hi: number, lo: number, pagePlusOne: number): void {
    const slot = this.#find(hi, lo);
    if (this.#pagePlusOne[slot] === 0) {
      if (this.#taken + 1 > this.#pagePlusOne.length * MAX_LOAD) {
        this.#grow();
        this.#put(hi, lo, pagePlusOne);
        return;
      }
      this.#taken += 1;
      this.#hi[slot] = hi;
      this.#lo[slot] = lo;
    }
    this.#pagePlusOne[slot] = pagePlusOne;
  }

  #grow(): void {
    const hi = this.#hi;
    const lo = this.#lo;
    const pages = this.#pagePlusOne;
    const slots = pages.length * 2;
    this.#hi = new Uint32Array(slots);
    this.#lo = new Uint32Array(slots);
    this.#pagePlusOne = new Int32Array(slots);
    this.#taken = 0;
    pages.forEach((pagePlusOne, slot) => {
      if (pagePlusOne !== 0) this.#put(hi[slot] ?? 0, lo[slot] ?? 0, pagePlusOne);
    });
  }
}
