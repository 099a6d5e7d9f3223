import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8BodyDecoder, wholeCharactersEnd } from './http-body.ts';

/** What decoding the whole body at once gives (the reference the chunked decoder must match). */
function wholeBody(bytes: Buffer): unknown {
  try {
    return {
      kind: 'complete',
      text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
      bytes: bytes.length,
    };
  } catch {
    return { kind: 'not_utf8', lossyText: new TextDecoder().decode(bytes), bytes: bytes.length };
  }
}

function chunked(bytes: Buffer, cuts: readonly number[]): unknown {
  const decoder = new Utf8BodyDecoder();
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    decoder.push(bytes.subarray(from, cut));
    from = cut;
  }
  decoder.push(bytes.subarray(from));
  return decoder.finish();
}

/** Text with 1- to 4-byte characters, and raw bytes (mostly invalid sequences). */
const bodies = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text, 'utf8')),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(fc.string({ unit: 'binary', maxLength: 80 }), fc.uint8Array({ maxLength: 4 }))
    .map(([text, tail]) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from(tail)])),
);

describe('Utf8BodyDecoder', () => {
  it('decodes any body cut into any chunks exactly as one strict decode of the whole (fast-check)', () => {
    fc.assert(
      fc.property(bodies, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        expect(chunked(bytes, cuts)).toStrictEqual(wholeBody(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts a character split between chunks, overlong forms and surrogates are refused', () => {
    const euro = Buffer.from('€', 'utf8'); // E2 82 AC
    expect(chunked(Buffer.from('a€b', 'utf8'), [2])).toStrictEqual({
      kind: 'complete',
      text: 'a€b',
      bytes: 5,
    });
    expect(chunked(euro.subarray(0, 2), [1])).toMatchObject({ kind: 'not_utf8', bytes: 2 });
    expect(chunked(Buffer.from([0xc0, 0xaf]), [])).toMatchObject({ kind: 'not_utf8' });
    expect(chunked(Buffer.from([0xed, 0xa0, 0x80]), [1])).toMatchObject({ kind: 'not_utf8' });
  });

  it('drops a leading byte order mark, as TextDecoder does, even split across chunks', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]);
    expect(chunked(body, [1, 2])).toStrictEqual({ kind: 'complete', text: '{"a":1}', bytes: 10 });
  });

  it('keeps the head of a big body that is not UTF-8 for its sample, not the whole body', () => {
    const decoder = new Utf8BodyDecoder();
    for (let chunk = 0; chunk < 64; chunk += 1) decoder.push(Buffer.alloc(16 * 1024, 0x61));
    decoder.push(Buffer.from([0xff]));
    const body = decoder.finish();
    expect(body).toMatchObject({ kind: 'not_utf8', bytes: 1024 * 1024 + 1 });
    const text = body.kind === 'not_utf8' ? body.lossyText : '';
    expect(text.length).toBe(64 * 1024);
    expect(text.startsWith('aaaa')).toBe(true);
  });

  it('keeps nothing after discard', () => {
    const decoder = new Utf8BodyDecoder();
    decoder.push(Buffer.from('abc'));
    decoder.discard();
    expect(decoder.finish()).toStrictEqual({ kind: 'complete', text: '', bytes: 3 });
  });
});

describe('wholeCharactersEnd', () => {
  it('ends before a character that runs past the end, and at the end otherwise', () => {
    expect(wholeCharactersEnd(Buffer.from('ab'))).toBe(2);
    expect(wholeCharactersEnd(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(wholeCharactersEnd(Buffer.from([0x61, 0xe2, 0x82, 0xac]))).toBe(4);
    expect(wholeCharactersEnd(Buffer.from([0xf0, 0x9f, 0x98]))).toBe(0);
    expect(wholeCharactersEnd(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(wholeCharactersEnd(Buffer.alloc(0))).toBe(0);
  });
});
