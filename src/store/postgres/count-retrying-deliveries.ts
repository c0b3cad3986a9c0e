import type { PgDb } from "./pg-db.js";

/** src/store/count-retrying-deliveries.ts countRetryingDeliveries. */
export async function countRetryingDeliveries(db: PgDb): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND failing_since IS NOT NULL",
  );
  return Number(row?.n ?? 0);
}
