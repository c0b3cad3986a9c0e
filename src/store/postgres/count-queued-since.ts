import type { OutboxKind } from "../outbox.js";
import type { PgDb } from "./pg-db.js";

/** src/store/count-queued-since.ts outboxMark. */
export async function outboxMark(db: PgDb): Promise<number> {
  const [row] = await db.query<{ mark: number }>("SELECT coalesce(max(id), 0) AS mark FROM outbox");
  return Number(row?.mark ?? 0);
}

/** src/store/count-queued-since.ts countQueuedSince. */
export async function countQueuedSince(
  db: PgDb,
  mark: number,
  kind: OutboxKind,
): Promise<{ queued: number; sent: number }> {
  const [row] = await db.query<{ queued: number; sent: number }>(
    "SELECT count(*) AS queued, count(sent_at) AS sent FROM outbox WHERE id > $1 AND kind = $2",
    [mark, kind],
  );
  return { queued: Number(row?.queued ?? 0), sent: Number(row?.sent ?? 0) };
}
