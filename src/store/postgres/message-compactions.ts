import { compactOwnerMessageView, lastUndoUntil } from "../../notify/compact-owner-message-view.js";
import { encodeOutboxMessage, type OutboxMessage } from "../../notify/outbox-message.js";
import { type OutboxRow, type StoredOutboxItem, toItem } from "../outbox.js";
import { packPayload } from "../packed-payload.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { pgLimit } from "./follow-ups.js";
import type { PgDb } from "./pg-db.js";

/** src/store/message-compactions.ts scheduleCompaction: one upsert, the last schedule wins. */
export async function scheduleCompaction(db: PgDb, outboxId: number, dueAt: Date): Promise<void> {
  await db.execute(
    `INSERT INTO message_compactions (outbox_id, due_at) VALUES ($1, $2)
       ON CONFLICT (outbox_id) DO UPDATE SET due_at = excluded.due_at`,
    [outboxId, dueAt.toISOString()],
  );
}

/**
 * src/store/message-compactions.ts compactSupersededMessages, in one transaction. Two replicas
 * running retention at once split the due rows (`FOR UPDATE SKIP LOCKED`: each takes the ones the
 * other has not locked) instead of compacting the same messages twice; and each message is read
 * `FOR UPDATE`, so a decision rewriting its view meanwhile (a plain UPDATE, which waits for this
 * lock) is not overwritten by a compaction of the view from before it.
 * https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
export async function compactSupersededMessages(db: PgDb, now: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx.query<{ outbox_id: number }>(
      `SELECT outbox_id FROM message_compactions WHERE due_at <= $1
        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now.toISOString(), pgLimit(limit)],
    );
    for (const { outbox_id: id } of due) {
      const item = await lockedOutboxItem(tx, id);
      const message = item && !item.unreadable ? item.message : undefined;
      if (item === undefined || message?.kind !== "owner_message") {
        await done(tx, id);
        continue;
      }
      const compact = compactOwnerMessageView(message.view, now);
      const later = compact ? undefined : lastUndoUntil(message.view, now);
      if (later) {
        await scheduleCompaction(tx, id, later);
        continue;
      }
      if (compact) await storeMessage(tx, item, { kind: "owner_message", view: compact });
      await done(tx, id);
    }
    return due.length;
  });
}

const done = (db: PgDb, id: number) =>
  db.execute("DELETE FROM message_compactions WHERE outbox_id = $1", [id]);

/** getOutboxItem of src/store/outbox.ts, with the row locked until the transaction ends. */
async function lockedOutboxItem(db: PgDb, id: number): Promise<StoredOutboxItem | undefined> {
  const [row] = await db.query<OutboxRow>("SELECT * FROM outbox WHERE id = $1 FOR UPDATE", [id]);
  return row ? toItem(row) : undefined;
}

/** setOutboxMessage of src/store/outbox.ts, on a row already read (and locked): the kind stays. */
async function storeMessage(db: PgDb, item: StoredOutboxItem, message: OutboxMessage): Promise<void> {
  await db.execute("UPDATE outbox SET payload = $1 WHERE id = $2 AND kind = $3", [
    packPayload(encodeOutboxMessage(item.platform, message)),
    item.id,
    message.kind,
  ]);
}

/** The compaction method of the outbox repository of the PostgreSQL store. */
export const MESSAGE_COMPACTIONS_OUTBOX_PG = { scheduleCompaction } satisfies PostgresQueries["outbox"];

/** The compaction method of the retention repository of the PostgreSQL store. */
export const MESSAGE_COMPACTIONS_RETENTION_PG = {
  compactSupersededMessages,
} satisfies PostgresQueries["retention"];
