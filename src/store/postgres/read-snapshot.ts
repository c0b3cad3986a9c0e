import type { PgDb } from "./pg-db.js";

/**
 * Runs `read` in one transaction that sees one snapshot of the database from its first query to
 * its last, as SQLite's read transaction does: a read of several keyset pages (an export) then
 * never mixes rows committed by others in between. In a transaction of its own it is REPEATABLE
 * READ, READ ONLY (PostgreSQL's default, READ COMMITTED, takes a new snapshot per statement);
 * joined to a caller's transaction, it reads with the caller's isolation, as it must.
 * https://www.postgresql.org/docs/current/transaction-iso.html#XACT-REPEATABLE-READ
 */
export function readSnapshot<T>(db: PgDb, read: (tx: PgDb) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // A PgDb already inside a transaction hands itself to a nested transaction (pg-db.ts); a new
    // transaction is another PgDb, whose first statement may still set the isolation level.
    if (tx !== db) await tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    return read(tx);
  });
}
