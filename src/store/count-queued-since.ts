import type { Database } from "better-sqlite3";
import type { OutboxKind } from "./outbox.js";

/** The newest outbox id (0 when empty): a mark to count what a run queues after it. */
export function outboxMark(db: Database): number {
  return db.prepare("SELECT coalesce(max(id), 0) FROM outbox").pluck().get() as number;
}

/**
 * How many messages of `kind` were queued after `mark` (outboxMark), and how many of those are
 * sent: what one scheduled run did, for its line on stdout.
 */
export function countQueuedSince(
  db: Database,
  mark: number,
  kind: OutboxKind,
): { queued: number; sent: number } {
  return db
    .prepare("SELECT count(*) AS queued, count(sent_at) AS sent FROM outbox WHERE id > ? AND kind = ?")
    .get(mark, kind) as { queued: number; sent: number };
}
