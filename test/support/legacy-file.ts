/** SQLite files as an earlier release left them, for the migration tests. */
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/migrate.ts';
import { removeTempDir, tempDir } from './temp-dir.ts';

/**
 * Call at the top of a test file: each call of the returned function gives a new `pmp.db` path in a
 * temporary folder of its own, removed after the test.
 */
export function tempDbPaths(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeTempDir(dir);
  });
  return () => {
    const dir = tempDir(prefix);
    dirs.push(dir);
    return `${dir}/pmp.db`;
  };
}

/** Writes `path` with the migrations before `version` only, then runs `seedSql` on it. */
export function fileBeforeMigration(path: string, version: number, seedSql: string): void {
  const db = new Database(path);
  try {
    migrate(
      db,
      MIGRATIONS.filter((migration) => migration.version < version),
    );
    db.exec(seedSql);
  } finally {
    db.close();
  }
}
