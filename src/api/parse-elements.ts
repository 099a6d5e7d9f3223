/**
 * The pieces of D132's parse: a page's envelope with the arrays under message_response emptied, and
 * each element of those arrays, parsed on their own. Parsing them apart must accept exactly what one
 * JSON.parse of the whole text accepts, so the separators JSON.parse would have checked between the
 * elements (one comma, whitespace) are checked here; anything else is a syntax fallback.
 */
import { digitSafeText } from './digit-safe-scan.ts';
import type { FallbackReason, ScanResult, ScannedArray } from './digit-safe-scan.ts';

type Scanned = Extract<ScanResult, { kind: 'scanned' }>;

/** JSON's whitespace only (String#trim also strips U+00A0, U+FEFF and others JSON.parse rejects). */
const BLANK = /^[ \t\n\r]*$/;
const COMMA = /^[ \t\n\r]*,[ \t\n\r]*$/;

/** [from, to) ranges of the text outside the arrays' contents, in order; null on a bad separator. */
export function splitPieces(text: string, arrays: ReadonlyMap<string, ScannedArray>): number[] | null {
  const ordered = [...arrays.values()].sort((a, b) => a.open - b.open);
  const pieces: number[] = [];
  let from = 0;
  for (const array of ordered) {
    if (array.close < 0 || !separatorsValid(text, array)) return null;
    pieces.push(from, array.open + 1);
    from = array.close - 1;
  }
  pieces.push(from, text.length);
  return pieces;
}

function separatorsValid(text: string, array: ScannedArray): boolean {
  const { spans, open, close } = array;
  if (spans.length === 0) return BLANK.test(text.slice(open + 1, close - 1));
  if (!BLANK.test(text.slice(open + 1, spans[0]))) return false;
  if (!BLANK.test(text.slice(spans[spans.length - 1], close - 1))) return false;
  for (let index = 1; index + 1 < spans.length; index += 2) {
    if (!COMMA.test(text.slice(spans[index], spans[index + 1]))) return false;
  }
  return true;
}

/** The envelope's text: the pieces joined, each with its unsafe integers quoted. */
export function digitSafePieces(text: string, pieces: readonly number[], unsafe: readonly number[]): string {
  let out = '';
  let cursor = 0;
  for (let index = 0; index + 1 < pieces.length; index += 2) {
    const slice = digitSafeText(text, pieces[index] ?? 0, pieces[index + 1] ?? 0, unsafe, cursor);
    out += slice.text;
    cursor = slice.cursor;
  }
  return out;
}

export type ParsedElements =
  { kind: 'parsed'; values: unknown[] } | { kind: 'fallback'; reason: FallbackReason };

/**
 * The elements of the records array under `recordsKey`, each parsed from its own slice; the other
 * arrays under message_response are parsed only to be checked, as one JSON.parse would have.
 */
export function parseElements(text: string, scan: Scanned, recordsKey: string): ParsedElements {
  let values: unknown[] = [];
  for (const [key, array] of scan.arrays) {
    let members = 0;
    const parsed: unknown[] = [];
    let cursor = 0;
    for (let index = 0; index + 1 < array.spans.length; index += 2) {
      const slice = digitSafeText(
        text,
        array.spans[index] ?? 0,
        array.spans[index + 1] ?? 0,
        scan.unsafe,
        cursor,
      );
      cursor = slice.cursor;
      let value: unknown;
      try {
        value = JSON.parse(slice.text);
      } catch {
        return { kind: 'fallback', reason: 'syntax' };
      }
      members += countMembers(value);
      if (key === recordsKey) parsed.push(value);
    }
    if (members !== array.memberCount) return { kind: 'fallback', reason: 'duplicate-keys' };
    if (key === recordsKey) values = parsed;
  }
  return { kind: 'parsed', values };
}

/** Object members below `value`, counted the way JSON.parse kept them (a repeated key counts once). */
export function countMembers(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) count += countMembers(item);
    return count;
  }
  for (const member of Object.values(value)) count += 1 + countMembers(member);
  return count;
}
