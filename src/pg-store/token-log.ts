/**
 * The token budget in PostgreSQL (D99): Zoho allows 10 token requests per 10 minutes per client, so
 * every account of the database that uses the same Self Client counts against one log, wherever its
 * extractor runs: `pmp_extractor_shared.token_requests`, keyed `client:<client id>`. A store opened
 * without a client id keeps a budget of its own schema, `schema:<name>`.
 */
import { SHARED_SCHEMA } from './names.ts';
import type { SqlClient } from './sql-client.ts';
import { toInt } from './values.ts';

/** Requests older than this are pruned: the Zoho window is 10 minutes, a day is plenty. */
const TOKEN_LOG_RETENTION_MS = 24 * 60 * 60 * 1000;
const TABLE = `"${SHARED_SCHEMA}".token_requests`;

function tokenClientKey(clientId: string | null, schema: string): string {
  return clientId === null ? `schema:${schema}` : `client:${clientId}`;
}

export class TokenLog {
  readonly #db: SqlClient;
  readonly #schema: string;
  readonly #key: string;

  constructor(db: SqlClient, schema: string, clientId: string | null) {
    this.#db = db;
    this.#schema = schema;
    this.#key = tokenClientKey(clientId, schema);
  }

  /**
   * Logs one request and prunes this key's old ones in the same transaction. Only this key's: a
   * prune never touches another client's rows, and a key no longer used keeps the rows of its last
   * day (at most 144, at 10 per 10 minutes).
   */
  async record(nowMs: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${TABLE} WHERE client_key = $1 AND requested_at_ms < $2`, [
        this.#key,
        nowMs - TOKEN_LOG_RETENTION_MS,
      ]);
      await tx.query(`INSERT INTO ${TABLE} (client_key, requested_at_ms, requested_by) VALUES ($1, $2, $3)`, [
        this.#key,
        nowMs,
        this.#schema,
      ]);
    });
  }

  async countSince(sinceMs: number): Promise<number> {
    const { rows } = await this.#db.query(
      `SELECT count(*) AS n FROM ${TABLE} WHERE client_key = $1 AND requested_at_ms >= $2`,
      [this.#key, sinceMs],
    );
    return toInt(rows[0]?.['n']);
  }
}
