import type { Database } from "better-sqlite3";

/** Messages that failed for a reason that can clear and wait to be retried (`warden doctor`). */
export function countRetryingDeliveries(db: Database): number {
  return db
    .prepare("SELECT count(*) FROM outbox WHERE status = 'pending' AND failing_since IS NOT NULL")
    .pluck()
    .get() as number;
}
