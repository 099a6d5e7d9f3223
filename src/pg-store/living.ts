/** The living-inventory methods of PgStore (D120-D122), each delegating to its own module. */
import { errorCodeOf } from '../platform/index.ts';
import type { ChangeCounts } from '../store/index.ts';
import type { QuotedSchema } from './names.ts';
import { countChanges } from './publish.ts';
import type { SqlQueryable } from './sql-client.ts';

export { publishSnapshot } from './publish.ts';
export { pruneSnapshots as prune } from './prune.ts';

/** Null when the schema has no system_changes table (a read-only open before migration 6). */
export async function changeCounts(
  db: SqlQueryable,
  s: QuotedSchema,
  snapshotId: number,
): Promise<ChangeCounts | null> {
  try {
    return await countChanges(db, s, snapshotId);
  } catch (error) {
    // undefined_table
    if (errorCodeOf(error) === '42P01') return null;
    throw error;
  }
}
