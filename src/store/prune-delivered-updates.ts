import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/**
 * Removes up to `limit` in-place updates (`message_update`) delivered before `before`, in one short
 * write. Such a row only told the sender to re-render a sent message from its stored view; once
 * delivered nothing reads it again (the message it updated holds the view, and its dedupe key
 * names the time it was queued, so it guards nothing later). Kept for the full retention they
 * were a third of the outbox's rows after a year. Undelivered ones (pending, sending, failed,
 * unknown) stay, for the delivery run and the digest's list of what could not be delivered. The
 * outbox's newest row is never removed: SQLite gives a new row the highest id plus one
 * (https://www.sqlite.org/autoinc.html), so removing it would hand its id, which the audit log's
 * `message.sent` entry names, to the next message. Returns how many were removed.
 */
export function pruneDeliveredUpdates(db: Database, before: Date, limit: number): number {
  return writeTransaction(db, () => {
    const newest = db.prepare("SELECT max(id) FROM outbox").pluck().get() as number | null;
    if (newest === null) return 0;
    // outbox_updates_by_sent (migration 20) holds only these rows: the range reads no other
    // (`+id`: the planner must not walk the primary key instead).
    return db
      .prepare(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE status = 'sent' AND sent_at < ? AND kind = 'message_update'
              AND +id < ?
            ORDER BY sent_at LIMIT ?)`,
      )
      .run(before.toISOString(), newest, limit).changes;
  });
}
