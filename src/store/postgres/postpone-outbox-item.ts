import type { PgDb } from "./pg-db.js";

/**
 * src/store/postpone-outbox-item.ts postponeOutboxItem: `WHERE status = from` guards it as in
 * SQLite (a concurrent change of status makes it touch nothing), and SET reads the old status.
 */
export async function postponeOutboxItem(
  db: PgDb,
  id: number,
  options: { from: "sending" | "pending"; notBefore: Date },
): Promise<boolean> {
  return (
    (await db.execute(
      `UPDATE outbox SET status = 'pending', not_before = $1,
         attempts = attempts - (CASE WHEN status = 'sending' THEN 1 ELSE 0 END)
       WHERE id = $2 AND status = $3`,
      [options.notBefore.toISOString(), id, options.from],
    )) === 1
  );
}
