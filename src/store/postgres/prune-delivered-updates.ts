import type { PostgresQueries } from "./create-postgres-store.js";
import { pgLimit } from "./follow-ups.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/prune-delivered-updates.ts pruneDeliveredUpdates. PostgreSQL's identity never hands
 * out an id twice, so keeping the outbox's newest row is not needed here; it is kept anyway, so
 * both stores remove the same rows. Two replicas at once: the second's DELETE waits for the
 * first's row locks and skips the rows it removed, so each counts only what it removed.
 */
export async function pruneDeliveredUpdates(db: PgDb, before: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [newest] = await tx.query<{ id: number | null }>("SELECT max(id) AS id FROM outbox");
    if (newest?.id == null) return 0;
    return tx.execute(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE status = 'sent' AND sent_at < $1 AND kind = 'message_update' AND id < $2
          ORDER BY sent_at LIMIT $3)`,
      [before.toISOString(), newest.id, pgLimit(limit)],
    );
  });
}

/** The delivered-updates method of the retention repository of the PostgreSQL store. */
export const PRUNE_DELIVERED_UPDATES_PG = { pruneDeliveredUpdates } satisfies Partial<
  PostgresQueries["retention"]
>;
