/**
 * The page-size checkpoint columns in the PostgreSQL store (migration 7, D126): a commit writes them with the
 * rest of the position, a reset forgets them, and a batch without them writes NULL. On PGlite.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { batch, T0 } from '../../test/contract/contract-kit.ts';
import { dropSchema, randomSchema } from '../../test/support/pg-schemas.ts';
import { pgliteSqlClient, sharedPglite } from '../../test/support/pglite-client.ts';
import { openPostgresStore } from './index.ts';
import type { PageSizeFields } from './page-size.ts';
import type { SqlClient } from './sql-client.ts';

let db: SqlClient;
let schema = '';
let store: Store | undefined;
beforeAll(async () => {
  db = pgliteSqlClient(await sharedPglite());
}, 120_000);
afterEach(async () => {
  await store?.close();
  store = undefined;
  await dropSchema(db, schema);
});

const FALLBACK = 'pagelimit=1000 on page 3: network_timeout';

describe('probed_page_size and page_size_fallback', () => {
  it('start empty, round-trip through a commit, and are forgotten by a reset', async () => {
    schema = randomSchema();
    store = await openPostgresStore({ client: db, schema, clientId: null });
    const id = await store.createSnapshot(T0);
    expect(await store.getCheckpoint(id)).toMatchObject({ probed_page_size: null, page_size_fallback: null });
    const base = batch(id);
    const position: typeof base.checkpoint & PageSizeFields = {
      ...base.checkpoint,
      probed_page_size: 25,
      page_size_fallback: FALLBACK,
    };
    await store.commit({ ...base, checkpoint: position });
    expect(await store.getCheckpoint(id)).toMatchObject({
      probed_page_size: 25,
      page_size_fallback: FALLBACK,
    });
    // A batch that does not carry them writes NULL: the checkpoint is the batch's position, whole.
    await store.commit(batch(id));
    expect(await store.getCheckpoint(id)).toMatchObject({ probed_page_size: null, page_size_fallback: null });
    await store.commit({ ...base, checkpoint: position });
    await store.resetCheckpoint(id, 0, T0);
    expect(await store.getCheckpoint(id)).toMatchObject({ probed_page_size: null, page_size_fallback: null });
    const { rows } = await db.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
    expect(rows.map((row) => Number(row['version']))).toContain(7);
  });
});
