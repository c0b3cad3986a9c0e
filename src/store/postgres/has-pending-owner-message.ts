import type { PgDb } from "./pg-db.js";

/** src/store/has-pending-owner-message.ts hasPendingOwnerMessage. */
export async function hasPendingOwnerMessage(
  db: PgDb,
  platform: string,
  recipient: string,
): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM outbox WHERE platform = $1 AND kind = 'owner_message' AND recipient = $2 AND status = 'pending'
      LIMIT 1`,
    [platform, recipient],
  );
  return rows.length > 0;
}
