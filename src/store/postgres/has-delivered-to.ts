import type { PgDb } from "./pg-db.js";

/** src/store/has-delivered-to.ts hasDeliveredTo. */
export async function hasDeliveredTo(db: PgDb, platform: string, recipient: string): Promise<boolean> {
  const rows = await db.query(
    "SELECT 1 FROM outbox WHERE platform = $1 AND recipient = $2 AND status = 'sent' LIMIT 1",
    [platform, recipient],
  );
  return rows.length > 0;
}
