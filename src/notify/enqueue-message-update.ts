import type { Repositories } from "../store/store.js";

/**
 * Queues an in-place update of sent message `outboxId` (its stored view already changed), so the
 * next delivery run re-renders it where the owner sees it. Returns false for an unknown message.
 */
export async function enqueueMessageUpdate(
  store: Pick<Repositories, "outbox">,
  outboxId: number,
  now: Date,
): Promise<boolean> {
  const item = await store.outbox.getOutboxItem(outboxId);
  if (!item) return false;
  await store.outbox.enqueue({
    platform: item.platform,
    recipient: item.recipient,
    dedupeKey: `${item.platform}:update:${outboxId}:${now.toISOString()}`,
    message: { kind: "message_update", view: { outboxId } },
    now,
  });
  return true;
}
