import type { Database } from "better-sqlite3";

/**
 * Whether warden has ever delivered a message from this database: an owner message, a digest or
 * any other post that was sent (or may have been: interrupted while sending). False on a fresh
 * database, where `warden serve` then does not catch up owner messages or the digest at start.
 */
export function hasMessagedBefore(db: Database): boolean {
  return (
    db
      .prepare(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NOT NULL OR status IN ('sent', 'unknown'))",
      )
      .pluck()
      .get() === 1
  );
}
