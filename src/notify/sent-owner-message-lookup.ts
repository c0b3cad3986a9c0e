import type { OwnerMessageView } from "../messages/build-owner-messages.js";
import type { Repositories } from "../store/store.js";
import type { MessageRef } from "./message-ref.js";
import type { OutboxMessage } from "./outbox-message.js";
import { sentOwnerMessage } from "./sent-owner-message.js";

/** A sent owner message by outbox id, as a platform's renderer context asks for it. */
export type SentOwnerMessageLookup<P extends MessageRef["platform"]> = (outboxId: number) => {
  view: OwnerMessageView;
  ref: Extract<MessageRef, { platform: P }>;
};

/**
 * The renderers are synchronous, the store is not: the sent owner message that `message` (an
 * in-place update) re-renders is read here, before rendering, and the lookup hands it over. Any
 * other kind reads nothing. Throws as sentOwnerMessage does (never sent, not an owner message).
 */
export async function sentOwnerMessageLookup<P extends MessageRef["platform"]>(
  store: Pick<Repositories, "outbox">,
  platform: P,
  message: OutboxMessage,
): Promise<SentOwnerMessageLookup<P>> {
  const updated = message.kind === "message_update" ? message.view.outboxId : undefined;
  const original = updated === undefined ? undefined : await sentOwnerMessage(store, platform, updated);
  return (outboxId) => {
    if (original === undefined || outboxId !== updated) {
      throw new Error(`message ${outboxId} was not read before rendering`);
    }
    return original;
  };
}
