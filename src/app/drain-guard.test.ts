import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DRAIN_MESSAGE, guardAgainstDrain } from './drain-guard.ts';

/** A process double: `beforeExit` is emitted by the test, `exit` records its code. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const stderr: string[] = [];
  const proc = Object.assign(emitter, {
    exit: (code: number) => {
      exits.push(code);
    },
  });
  return { proc, exits, stderr, out: { write: (text: string) => stderr.push(text) } };
}

describe('guardAgainstDrain (D55)', () => {
  it('turns a drain before the command settled into exit 1, one stderr line and the last words', () => {
    const { proc, exits, stderr, out } = fakeProcess();
    const guard = guardAgainstDrain(proc, out);
    const said: string[] = [];
    guard.setLastWords(() => said.push('logged'));
    proc.emit('beforeExit', 0);
    expect(exits).toEqual([1]);
    expect(said).toEqual(['logged']);
    expect(stderr).toEqual([`pmp-extractor: internal error: ${DRAIN_MESSAGE}\n`]);
    // beforeExit may fire again if a listener scheduled work: the guard acts once.
    proc.emit('beforeExit', 0);
    expect(exits).toEqual([1]);
  });

  it('lets the process end normally once the command settled', () => {
    const { proc, exits, stderr, out } = fakeProcess();
    const guard = guardAgainstDrain(proc, out);
    guard.setLastWords(() => {
      throw new Error('must not be called');
    });
    guard.settled();
    proc.emit('beforeExit', 0);
    expect(exits).toEqual([]);
    expect(stderr).toEqual([]);
  });

  it('still exits 1 when the last words or stderr throw, and skips last words that were withdrawn', () => {
    const { proc, exits } = fakeProcess();
    const guard = guardAgainstDrain(proc, {
      write: () => {
        throw new Error('EPIPE');
      },
    });
    guard.setLastWords(() => {
      throw new Error('log gone');
    });
    proc.emit('beforeExit', 0);
    expect(exits).toEqual([1]);

    const second = fakeProcess();
    const withdrawn = guardAgainstDrain(second.proc, second.out);
    let called = false;
    withdrawn.setLastWords(() => (called = true));
    withdrawn.setLastWords(null);
    second.proc.emit('beforeExit', 0);
    expect({ called, exits: second.exits }).toEqual({ called: false, exits: [1] });
  });
});
