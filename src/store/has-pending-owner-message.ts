import type { Database } from "better-sqlite3";

/** Whether an owner message to `recipient` on `platform` still waits to be delivered. */
export function hasPendingOwnerMessage(db: Database, platform: string, recipient: string): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM outbox WHERE platform = ? AND kind = 'owner_message' AND recipient = ? AND status = 'pending'`,
      )
      .get(platform, recipient) !== undefined
  );
}
