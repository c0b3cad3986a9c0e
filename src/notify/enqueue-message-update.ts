import type { Database } from "better-sqlite3";
import { enqueue, getOutboxItem } from "../store/outbox.js";

/**
 * Queues an in-place update of sent message `outboxId` (its stored view already changed), so the
 * next delivery run re-renders it where the owner sees it. Returns false for an unknown message.
 */
export function enqueueMessageUpdate(db: Database, outboxId: number, now: Date): boolean {
  const item = getOutboxItem(db, outboxId);
  if (!item) return false;
  enqueue(db, {
    platform: item.platform,
    recipient: item.recipient,
    dedupeKey: `${item.platform}:update:${outboxId}:${now.toISOString()}`,
    message: { kind: "message_update", view: { outboxId } },
    now,
  });
  return true;
}
