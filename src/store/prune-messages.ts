import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/** settings key: the highest outbox id retention removed (a click naming an id up to it may be on a pruned message). */
export const PRUNED_THROUGH = "retention.outbox_pruned_through";

/**
 * Removes up to `limit` sent or failed messages older than `before` (sent: by when they were sent;
 * failed: by their last attempt), with the accounts each showed (message_accounts), in one short
 * write. A live owner message older than the retention goes too: its buttons then answer that the
 * message is too old (prunedMessage). Never removed: messages still waiting, being sent or of
 * unknown fate, and a message a decision in progress will update. Returns how many were removed.
 */
export function pruneMessages(db: Database, before: Date, limit: number): number {
  const params = { before: before.toISOString(), limit };
  const notPending = `id NOT IN (SELECT message_id FROM decisions WHERE outcome = 'pending' AND message_id IS NOT NULL)`;
  return writeTransaction(db, () => {
    // outbox_by_sent (migration 11) serves the first; failed messages are few.
    const ids = [
      ...(db
        .prepare(
          `SELECT id FROM outbox WHERE status = 'sent' AND sent_at < @before AND ${notPending}
            ORDER BY sent_at LIMIT @limit`,
        )
        .pluck()
        .all(params) as number[]),
      ...(db
        .prepare(
          `SELECT id FROM outbox WHERE status = 'failed' AND coalesce(last_attempt_at, created_at) < @before
              AND ${notPending} ORDER BY id LIMIT @limit`,
        )
        .pluck()
        .all(params) as number[]),
    ].slice(0, limit);
    if (ids.length === 0) return 0;
    const forgetAccounts = db.prepare("DELETE FROM message_accounts WHERE outbox_id = ?");
    const remove = db.prepare("DELETE FROM outbox WHERE id = ?");
    for (const id of ids) {
      forgetAccounts.run(id);
      remove.run(id);
    }
    db.prepare(
      `INSERT INTO settings (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
    ).run(PRUNED_THROUGH, String(Math.max(...ids)));
    return ids.length;
  });
}

/**
 * Whether outbox item `id` is gone because retention removed it: no such item, and retention has
 * removed items up to an id at least as high (outbox ids are never reused below the highest one).
 * A click on such a message is stale, not forged.
 */
export function prunedMessage(db: Database, id: number): boolean {
  const through = db.prepare("SELECT value FROM settings WHERE key = ?").pluck().get(PRUNED_THROUGH) as
    | string
    | undefined;
  if (through === undefined || !Number.isInteger(id) || id > Number(through)) return false;
  return db.prepare("SELECT 1 FROM outbox WHERE id = ?").get(id) === undefined;
}
