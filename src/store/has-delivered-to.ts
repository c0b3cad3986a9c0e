import type { Database } from "better-sqlite3";

/** Whether warden has delivered anything to `recipient` (a channel) on `platform` before. */
export function hasDeliveredTo(db: Database, platform: string, recipient: string): boolean {
  return (
    db
      .prepare("SELECT 1 FROM outbox WHERE platform = ? AND recipient = ? AND status = 'sent' LIMIT 1")
      .get(platform, recipient) !== undefined
  );
}
