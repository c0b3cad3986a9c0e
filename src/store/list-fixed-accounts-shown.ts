import type { Database } from "better-sqlite3";
import { stopAnsweredFollowUps } from "./follow-ups.js";
import { writeTransaction } from "./write-transaction.js";

/** An account a live owner message asks about that has no open finding left. */
export interface FixedAccountShown {
  outboxId: number;
  source: string;
  accountId: string;
}

/**
 * Accounts fixed in the source directly (no open finding left) that a sent, not superseded owner
 * message of `platform` still asks about, unanswered.
 */
export function listFixedAccountsShown(db: Database, platform: string): FixedAccountShown[] {
  const rows = db
    .prepare(
      `SELECT m.outbox_id, m.source, m.account_id FROM message_accounts m JOIN outbox o ON o.id = m.outbox_id
        WHERE o.platform = ? AND o.kind = 'owner_message' AND o.status = 'sent' AND m.answered_at IS NULL
          AND json_valid(o.payload) AND json_extract(o.payload, '$.supersededBy') IS NULL
          AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                           AND f.resolved_at IS NULL)`,
    )
    .all(platform) as { outbox_id: number; source: string; account_id: string }[];
  return rows.map((row) => ({ outboxId: row.outbox_id, source: row.source, accountId: row.account_id }));
}

/**
 * Marks what one message showed of an account answered (no reminder for it); a message left with
 * no unanswered account is not chased any more.
 */
export function markShownAccountAnswered(db: Database, shown: FixedAccountShown, at: Date): void {
  writeTransaction(db, () => {
    db.prepare(
      "UPDATE message_accounts SET answered_at = ? WHERE outbox_id = ? AND source = ? AND account_id = ?",
    ).run(at.toISOString(), shown.outboxId, shown.source, shown.accountId);
    stopAnsweredFollowUps(db, shown.source, shown.accountId);
  });
}
