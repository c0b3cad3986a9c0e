import type { PgDb } from "./pg-db.js";

/** src/store/has-messaged.ts hasMessagedBefore (EXISTS is a real boolean in PostgreSQL). */
export async function hasMessagedBefore(db: PgDb): Promise<boolean> {
  const [row] = await db.query<{ messaged: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NOT NULL OR status IN ('sent', 'unknown')) AS messaged",
  );
  return row?.messaged === true;
}
