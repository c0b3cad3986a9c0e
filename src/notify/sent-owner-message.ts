import type { Database } from "better-sqlite3";
import { OutboxMessageError } from "../errors.js";
import { getOutboxItem } from "../store/outbox.js";
import type { OwnerMessageView } from "../views/build-owner-messages.js";
import type { MessageRef } from "./message-ref.js";

/**
 * Sent owner message `outboxId` of `platform`, for an update in place: its stored view and where
 * it landed. Throws when it was never sent (or is no owner message warden can read).
 */
export function sentOwnerMessage<P extends MessageRef["platform"]>(
  db: Database,
  platform: P,
  outboxId: number,
): { view: OwnerMessageView; ref: Extract<MessageRef, { platform: P }> } {
  const original = getOutboxItem(db, outboxId);
  if (!original?.ref || original.ref.platform !== platform) {
    throw new Error(`message ${outboxId} was never sent`);
  }
  if (original.unreadable) throw original.unreadable;
  if (original.message.kind !== "owner_message") {
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", `message ${outboxId} is not an owner message`);
  }
  return { view: original.message.view, ref: original.ref as Extract<MessageRef, { platform: P }> };
}
