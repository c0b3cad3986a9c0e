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
 * src/store/message-compactions.ts compactSupersededMessages, in one transaction. The due rows
 * are read with their messages, both locked, skipping any another transaction holds (`FOR UPDATE
 * SKIP LOCKED` on the join): two replicas running retention at once split the due rows instead of
 * compacting the same messages twice, a decision rewriting a message's view meanwhile is not
 * overwritten by a compaction of the view from before it (that message waits for the next run),
 * and this never waits for a lock, so it cannot deadlock with a decision that updates the message
 * and then its schedule. (The foreign key removes a schedule with its message: every due row has one.)
 * https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
export async function compactSupersededMessages(db: PgDb, now: Date, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx.query<OutboxRow>(
      `SELECT o.* FROM message_compactions c JOIN outbox o ON o.id = c.outbox_id
        WHERE c.due_at <= $1 ORDER BY c.due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now.toISOString(), pgLimit(limit)],
    );
    for (const row of due) {
      const item = toItem(row);
      const message = item.unreadable ? undefined : item.message;
      if (message?.kind !== "owner_message") {
        await done(tx, item.id);
        continue;
      }
      const compact = compactOwnerMessageView(message.view, now);
      const later = compact ? undefined : lastUndoUntil(message.view, now);
      if (later) {
        await scheduleCompaction(tx, item.id, later);
        continue;
      }
      if (compact) await storeMessage(tx, item, { kind: "owner_message", view: compact });
      await done(tx, item.id);
    }
    return due.length;
  });
}

const done = (db: PgDb, id: number) =>
  db.execute("DELETE FROM message_compactions WHERE outbox_id = $1", [id]);

/** setOutboxMessage of src/store/outbox.ts, on a row already read (and locked): the kind stays. */
async function storeMessage(db: PgDb, item: StoredOutboxItem, message: OutboxMessage): Promise<void> {
  await db.execute("UPDATE outbox SET payload = $1 WHERE id = $2 AND kind = $3", [
    packPayload(encodeOutboxMessage(item.platform, message)),
    item.id,
    message.kind,
  ]);
}

/** The compaction method of the outbox repository of the PostgreSQL store. */
export const MESSAGE_COMPACTIONS_OUTBOX_PG = { scheduleCompaction } satisfies Partial<
  PostgresQueries["outbox"]
>;

/** The compaction method of the retention repository of the PostgreSQL store. */
export const MESSAGE_COMPACTIONS_RETENTION_PG = {
  compactSupersededMessages,
} satisfies Partial<PostgresQueries["retention"]>;
