import type { PgDb } from "./pg-db.js";

/**
 * src/store/prune-findings.ts pruneFindings: up to `limit` findings resolved before `before`, in
 * one statement. Two replicas pruning at once delete each row once: the second's DELETE skips a
 * row the first removed (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED),
 * and each answers what it removed.
 */
export async function pruneFindings(db: PgDb, before: Date, limit: number): Promise<number> {
  return db.execute(
    "DELETE FROM findings WHERE id IN (SELECT id FROM findings WHERE resolved_at < $1 ORDER BY resolved_at LIMIT $2)",
    [before.toISOString(), limit],
  );
}
