/** The Store contract against SQLite: a real database file per test. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.ts';
import { removeTempDir, tempDir } from '../support/temp-dir.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('SQLite', () => {
  const dir = tempDir('pmp-contract-');
  const path = join(dir, 'pmp.db');
  const stores: Store[] = [openStore({ path })];
  return Promise.resolve({
    store: stores[0] as Store,
    reopen: () => {
      const store = openStore({ path });
      stores.push(store);
      return Promise.resolve(store);
    },
    tamper: (sql) => {
      const db = new Database(path);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
      return Promise.resolve();
    },
    rows: (sql) => {
      const db = new Database(path, { readonly: true });
      try {
        return Promise.resolve(db.prepare(sql).all() as Record<string, unknown>[]);
      } finally {
        db.close();
      }
    },
    cleanup: async () => {
      for (const store of stores) await store.close();
      removeTempDir(dir);
    },
  });
});
