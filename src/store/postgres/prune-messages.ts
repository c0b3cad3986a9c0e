import { PRUNED_THROUGH } from "../prune-messages.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { pgLimit } from "./follow-ups.js";
import type { PgDb } from "./pg-db.js";

const NOT_PENDING = `id NOT IN (SELECT message_id FROM decisions WHERE outcome = 'pending' AND message_id IS NOT NULL)`;

/**
 * src/store/prune-messages.ts pruneMessages, in one transaction. The messages to remove are
 * locked as they are chosen, skipping any another transaction holds (`FOR UPDATE SKIP LOCKED`):
 * two replicas pruning at once remove different messages, and each counts only its own; one a
 * sender is updating right now is left for the next run.
 * https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
export async function pruneMessages(db: PgDb, before: Date, limit: number): Promise<number> {
  const params = [before.toISOString(), pgLimit(limit)];
  return db.transaction(async (tx) => {
    const sent = await tx.query<{ id: number }>(
      `SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 AND ${NOT_PENDING}
        ORDER BY sent_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      params,
    );
    const failed = await tx.query<{ id: number }>(
      `SELECT id FROM outbox WHERE status = 'failed' AND coalesce(last_attempt_at, created_at) < $1
          AND ${NOT_PENDING} ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      params,
    );
    // As the SQLite store does (with its limit -1, "no limit", this leaves the last one out).
    const ids = [...sent, ...failed].map((row) => row.id).slice(0, limit);
    if (ids.length === 0) return 0;
    await tx.execute("DELETE FROM message_accounts WHERE outbox_id = ANY($1::bigint[])", [ids]);
    await tx.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [ids]);
    // The highest removed id only grows: an upsert keeping the greater of the two.
    await tx.execute(
      `INSERT INTO settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = greatest(settings.value::bigint, excluded.value::bigint)::text`,
      [PRUNED_THROUGH, String(Math.max(...ids))],
    );
    return ids.length;
  });
}

/** src/store/prune-messages.ts prunedMessage. */
export async function prunedMessage(db: PgDb, id: number): Promise<boolean> {
  const [through] = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [
    PRUNED_THROUGH,
  ]);
  if (through === undefined || !Number.isInteger(id) || id > Number(through.value)) return false;
  const rows = await db.query("SELECT 1 FROM outbox WHERE id = $1", [id]);
  return rows.length === 0;
}

/** The pruned-message method of the outbox repository of the PostgreSQL store. */
export const PRUNED_MESSAGE_PG = { prunedMessage } satisfies Partial<PostgresQueries["outbox"]>;

/** The message-pruning method of the retention repository of the PostgreSQL store. */
export const PRUNE_MESSAGES_PG = { pruneMessages } satisfies Partial<PostgresQueries["retention"]>;
