import type { OwnerMessageView } from "../messages/build-owner-messages.js";
import { toDecisionLineView } from "../messages/to-decision-line-view.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories } from "../store/store.js";
import type { OutboxMessageOf } from "./outbox-message.js";

/** A message whose accounts carry buttons and, once decided, their decision lines. */
export type DecidableMessage = OutboxMessageOf<"owner_message"> | OutboxMessageOf<"review_request">;

/**
 * Writes a decision into the message it was taken from (outbox id `m` of the button): an owner
 * message or an access review message. Returns the updated message for the platform to re-render
 * in place; undefined when that message is neither, not of this platform, or no longer lists the
 * account.
 */
export async function recordDecisionInDecidable(
  store: Pick<Repositories, "outbox">,
  platform: string,
  outboxId: number | undefined,
  decision: DecisionRecord,
): Promise<DecidableMessage | undefined> {
  if (outboxId === undefined) return undefined;
  const item = await store.outbox.getOutboxItem(outboxId);
  const message = item?.message;
  if (!message || item.platform !== platform) return undefined;
  if (message.kind !== "owner_message" && message.kind !== "review_request") return undefined;
  const account = message.view.accounts.find(
    (a) => a.source === decision.source && a.accountId === decision.accountId,
  );
  if (!account) return undefined;
  account.decision = toDecisionLineView(decision);
  await store.outbox.setOutboxMessage(outboxId, message);
  return message;
}

/** recordDecisionInDecidable for an owner message only (undefined for any other kind). */
export async function recordDecisionInMessage(
  store: Pick<Repositories, "outbox">,
  platform: string,
  outboxId: number | undefined,
  decision: DecisionRecord,
): Promise<OwnerMessageView | undefined> {
  if (outboxId === undefined) return undefined;
  const item = await store.outbox.getOutboxItem(outboxId);
  if (item?.message?.kind !== "owner_message") return undefined;
  const message = await recordDecisionInDecidable(store, platform, outboxId, decision);
  return message?.kind === "owner_message" ? message.view : undefined;
}
