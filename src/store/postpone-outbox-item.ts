import type { Database } from "better-sqlite3";

/**
 * An item the sender did not send because its pace slot is further away than the run waits (a
 * PacedLaterError, raised before any call that delivers): it goes back to 'pending', due at
 * `notBefore`, and the attempt it was marked 'sending' for is not counted. No failure is recorded:
 * it was never refused. `from` 'pending' postpones an item of the same recipient queued behind it.
 */
export function postponeOutboxItem(
  db: Database,
  id: number,
  options: { from: "sending" | "pending"; notBefore: Date },
): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = 'pending', not_before = ?,
           attempts = attempts - (CASE WHEN status = 'sending' THEN 1 ELSE 0 END)
         WHERE id = ? AND status = ?`,
      )
      .run(options.notBefore.toISOString(), id, options.from).changes === 1
  );
}
