import type { Database } from "better-sqlite3";
import { compactOwnerMessageView, lastUndoUntil } from "../notify/compact-owner-message-view.js";
import { getOutboxItem, setOutboxMessage } from "./outbox.js";
import { writeTransaction } from "./write-transaction.js";

/**
 * Superseded owner message `outboxId` is to be compacted at `dueAt` (when its Undo window closes):
 * see compactOwnerMessageView. A row of `message_compactions` (migration 22) per message, so
 * retention reads only what is due instead of every superseded message.
 */
export function scheduleCompaction(db: Database, outboxId: number, dueAt: Date): void {
  db.prepare(
    `INSERT INTO message_compactions (outbox_id, due_at) VALUES (?, ?)
       ON CONFLICT (outbox_id) DO UPDATE SET due_at = excluded.due_at`,
  ).run(outboxId, dueAt.toISOString());
}

/**
 * Compacts up to `limit` superseded owner messages due by `now`, in one short write: each stored
 * view shrinks to what a re-render, a click's check and the audit need (compactOwnerMessageView).
 * One with an Undo still open (a decision taken after it was superseded) is due again when that
 * Undo closes; one that is no owner message or cannot be read is left as it is. Nothing is sent:
 * the message in the chat stays as it was. Returns how many schedule rows were handled.
 */
export function compactSupersededMessages(db: Database, now: Date, limit: number): number {
  return writeTransaction(db, () => {
    const due = db
      .prepare("SELECT outbox_id FROM message_compactions WHERE due_at <= ? ORDER BY due_at LIMIT ?")
      .pluck()
      .all(now.toISOString(), limit) as number[];
    const done = db.prepare("DELETE FROM message_compactions WHERE outbox_id = ?");
    for (const id of due) {
      const item = getOutboxItem(db, id);
      const message = item && !item.unreadable ? item.message : undefined;
      if (message?.kind !== "owner_message") {
        done.run(id);
        continue;
      }
      const compact = compactOwnerMessageView(message.view, now);
      const later = compact ? undefined : lastUndoUntil(message.view, now);
      if (later) {
        scheduleCompaction(db, id, later);
        continue;
      }
      if (compact) setOutboxMessage(db, id, { kind: "owner_message", view: compact });
      done.run(id);
    }
    return due.length;
  });
}
