import { OutboxMessageError } from "../errors.js";
import type { OwnerMessageView } from "../messages/build-owner-messages.js";
import type { Repositories } from "../store/store.js";
import type { MessageRef } from "./message-ref.js";

/**
 * Sent owner message `outboxId` of `platform`, for an update in place: its stored view and where
 * it landed. Throws when it was never sent (or is no owner message warden can read).
 */
export async function sentOwnerMessage<P extends MessageRef["platform"]>(
  store: Pick<Repositories, "outbox">,
  platform: P,
  outboxId: number,
): Promise<{ view: OwnerMessageView; ref: Extract<MessageRef, { platform: P }> }> {
  const original = await store.outbox.getOutboxItem(outboxId);
  if (!original?.ref || original.ref.platform !== platform) {
    throw new Error(`message ${outboxId} was never sent`);
  }
  if (original.unreadable) throw original.unreadable;
  if (original.message.kind !== "owner_message") {
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", `message ${outboxId} is not an owner message`);
  }
  return { view: original.message.view, ref: original.ref as Extract<MessageRef, { platform: P }> };
}
