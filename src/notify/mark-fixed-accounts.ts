import type { StoreTx } from "../store/store.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";

/**
 * Accounts fixed in the source directly (no open finding left) that an owner message still asks
 * about: each such message is marked answered for them (no reminder), its stored view shows them as
 * fixed, and an update of the sent message is queued so the owner sees it in place. A superseded
 * message is left as it is: it only points to the newer one.
 */
export async function markFixedAccounts(
  store: StoreTx,
  options: { platform: string; now: Date },
): Promise<number> {
  const shown = await store.outbox.listFixedAccountsShown(options.platform);
  if (shown.length === 0) return 0;
  // Accounts are (source, id): two sources may use the same id.
  const keyOf = (account: { source: string; accountId: string }) =>
    `${account.source}\u0000${account.accountId}`;
  const byMessage = new Map<number, Set<string>>();
  for (const row of shown)
    byMessage.set(row.outboxId, (byMessage.get(row.outboxId) ?? new Set()).add(keyOf(row)));
  await store.transaction(async (tx) => {
    for (const row of shown) await tx.outbox.markShownAccountAnswered(row, options.now);
    for (const [outboxId, fixed] of byMessage) {
      const item = await tx.outbox.getOutboxItem(outboxId);
      if (item?.message?.kind !== "owner_message") continue;
      const view = item.message.view;
      for (const account of view.accounts) {
        if (!fixed.has(keyOf(account)) || account.decision) continue;
        account.decision = {
          decisionId: 0,
          action: "fixed",
          actor: "ServiceNow",
          at: options.now,
          outcome: "applied",
        };
      }
      await tx.outbox.setOutboxMessage(outboxId, { kind: "owner_message", view });
      await enqueueMessageUpdate(tx, outboxId, options.now);
    }
  });
  return byMessage.size;
}
