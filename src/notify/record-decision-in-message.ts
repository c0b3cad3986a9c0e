import type { OwnerMessageView } from "../messages/build-owner-messages.js";
import { toDecisionLineView } from "../messages/to-decision-line-view.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories } from "../store/store.js";

/**
 * Writes a decision into the owner message it was taken from (outbox id `m` of the button) and
 * returns the updated view for the platform to re-render in place. Undefined when that message is
 * not an owner message of this platform or no longer lists the account.
 */
export async function recordDecisionInMessage(
  store: Pick<Repositories, "outbox">,
  platform: string,
  outboxId: number | undefined,
  decision: DecisionRecord,
): Promise<OwnerMessageView | undefined> {
  if (outboxId === undefined) return undefined;
  const item = await store.outbox.getOutboxItem(outboxId);
  if (item?.message?.kind !== "owner_message" || item.platform !== platform) return undefined;
  const view = item.message.view;
  const account = view.accounts.find(
    (a) => a.source === decision.source && a.accountId === decision.accountId,
  );
  if (!account) return undefined;
  account.decision = toDecisionLineView(decision);
  await store.outbox.setOutboxMessage(outboxId, { kind: "owner_message", view });
  return view;
}
