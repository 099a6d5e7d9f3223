/** A SQLite store in a fresh temporary folder per test, closed and removed after each test. */
import { afterEach } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/index.ts';
import { removeTempDir, tempDir } from './temp-dir.ts';

/** Call at the top of a test file; `open()` inside a test gives that test's store and file path. */
export function tempStores(prefix: string): { open(): { store: Store; path: string } } {
  let dir = '';
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    if (dir !== '') removeTempDir(dir);
    dir = '';
  });
  return {
    open() {
      dir = tempDir(prefix);
      const path = `${dir}/pmp.db`;
      store = openStore({ path });
      return { store, path };
    },
  };
}
