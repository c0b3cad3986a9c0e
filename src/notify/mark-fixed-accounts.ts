import type { Database } from "better-sqlite3";
import { getOutboxItem, setOutboxPayload } from "../store/outbox.js";
import { writeTransaction } from "../store/write-transaction.js";
import type { OwnerMessageView } from "../views/build-owner-messages.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";
import { viewFromJson, viewToJson } from "./view-json.js";

/**
 * Accounts fixed in the source directly (no open finding left) that an owner message still asks
 * about: each such message is marked answered for them (no reminder), its stored view shows them as
 * fixed, and an update of the sent message is queued so the owner sees it in place. A superseded
 * message is left as it is: it only points to the newer one.
 */
export function markFixedAccounts(db: Database, options: { platform: string; now: Date }): number {
  const rows = db
    .prepare(
      `SELECT m.outbox_id, m.source, m.account_id FROM message_accounts m JOIN outbox o ON o.id = m.outbox_id
        WHERE o.platform = ? AND o.kind = 'owner_message' AND o.status = 'sent' AND m.answered_at IS NULL
          AND json_extract(o.payload, '$.supersededBy') IS NULL
          AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                           AND f.resolved_at IS NULL)`,
    )
    .all(options.platform) as { outbox_id: number; source: string; account_id: string }[];
  if (rows.length === 0) return 0;
  const at = options.now.toISOString();
  const answer = db.prepare(
    "UPDATE message_accounts SET answered_at = ? WHERE outbox_id = ? AND source = ? AND account_id = ?",
  );
  const byMessage = new Map<number, string[]>();
  for (const row of rows)
    byMessage.set(row.outbox_id, [...(byMessage.get(row.outbox_id) ?? []), row.account_id]);
  writeTransaction(db, () => {
    for (const row of rows) answer.run(at, row.outbox_id, row.source, row.account_id);
    for (const [outboxId, accountIds] of byMessage) {
      const item = getOutboxItem(db, outboxId);
      if (!item) continue;
      const view = viewFromJson<OwnerMessageView>(item.payload);
      for (const account of view.accounts) {
        if (!accountIds.includes(account.accountId) || account.decision) continue;
        account.decision = {
          decisionId: 0,
          action: "fixed",
          actor: "ServiceNow",
          at: options.now,
          outcome: "applied",
        };
      }
      setOutboxPayload(db, outboxId, viewToJson(view));
      enqueueMessageUpdate(db, outboxId, options.now);
    }
  });
  return byMessage.size;
}
