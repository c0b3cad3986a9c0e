import { UNDO_WINDOW_MS } from "../actions/undo.js";
import type { OutboxItem } from "../store/outbox.js";
import type { Repositories } from "../store/store.js";
import { lastUndoUntil } from "./compact-owner-message-view.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";
import { listLiveOwnerMessages } from "./live-owner-messages.js";

/**
 * Owner message `outboxId` was just delivered to `recipient`: every older live owner message of
 * theirs on the platform is superseded by it. Its stored view records `supersededBy`, and an
 * in-place update is queued that removes its buttons and points to the new message. An Undo still
 * open stays only for an account the new message does not list (it shows no decisions of the old
 * one). Run after delivery, never at enqueue: an undelivered message must not take the live one's
 * buttons; it is not reminded or escalated any more, and its stored view is compacted once no Undo
 * is left on it (at the latest UNDO_WINDOW_MS on). Returns how many messages were superseded.
 */
export async function supersedeOlderMessages(
  store: Pick<Repositories, "outbox">,
  item: Pick<OutboxItem<"owner_message">, "id" | "platform" | "recipient" | "message">,
  sentAt: Date,
): Promise<number> {
  const listed = new Set(item.message.view.accounts.map((a) => `${a.source}:${a.accountId}`));
  const live = await listLiveOwnerMessages(store, item.platform, item.recipient);
  const older = (live.get(item.recipient) ?? []).filter((m) => m.outboxId !== item.id);
  for (const message of older) {
    message.view.supersededBy = { outboxId: item.id, sentAt };
    for (const account of message.view.accounts) {
      if (account.decision && listed.has(`${account.source}:${account.accountId}`)) {
        account.decision.undoUntil = undefined;
      }
    }
    await store.outbox.setOutboxMessage(message.outboxId, { kind: "owner_message", view: message.view });
    // The newer message is the one chased now.
    await store.outbox.stopFollowUps(message.outboxId);
    // Once no Undo is left on it, retention shrinks its stored view (compactOwnerMessageView).
    await store.outbox.scheduleCompaction(
      message.outboxId,
      lastUndoUntil(message.view, sentAt) ?? new Date(sentAt.getTime() + UNDO_WINDOW_MS),
    );
    await enqueueMessageUpdate(store, message.outboxId, sentAt);
  }
  return older.length;
}
