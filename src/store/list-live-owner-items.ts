import type { Database } from "better-sqlite3";
import { type OutboxItem, type OutboxRow, toItem } from "./outbox.js";

/**
 * The delivered ('sent') owner messages of one platform that no newer message superseded, oldest
 * first. One whose stored message cannot be read is left out: it cannot be re-rendered anyway
 * (json_valid first: json_extract raises an error on text that is not JSON).
 */
export function listLiveOwnerItems(
  db: Database,
  platform: string,
  recipient?: string,
): OutboxItem<"owner_message">[] {
  // One recipient's (each delivered owner message, superseding the older ones) reads only that
  // recipient's rows, on the outbox_by_recipient index, not every message ever sent.
  const rows = db
    .prepare(
      `SELECT * FROM outbox
        WHERE platform = @platform AND kind = 'owner_message' AND status = 'sent'
          AND (@recipient IS NULL OR recipient = @recipient)
          AND json_valid(payload) AND json_extract(payload, '$.supersededBy') IS NULL
        ORDER BY id`,
    )
    .all({ platform, recipient: recipient ?? null }) as OutboxRow[];
  return rows
    .map(toItem)
    .filter((item): item is OutboxItem<"owner_message"> => item.message?.kind === "owner_message");
}

/**
 * Who holds a live owner message on `platform` (as listLiveOwnerItems, only the recipients, none
 * of the messages read), so a run can visit each in a transaction of its own.
 */
export function listLiveOwnerRecipients(db: Database, platform: string): string[] {
  return db
    .prepare(
      `SELECT DISTINCT recipient FROM outbox
        WHERE platform = ? AND kind = 'owner_message' AND status = 'sent'
          AND json_valid(payload) AND json_extract(payload, '$.supersededBy') IS NULL
        ORDER BY recipient`,
    )
    .pluck()
    .all(platform) as string[];
}

/**
 * The live owner messages (delivered, not superseded) that show account (`source`, `accountId`),
 * on every platform: the owner's message on each, oldest first, whatever the account's decision.
 */
export function listLiveMessagesShowing(db: Database, source: string, accountId: string): number[] {
  return db
    .prepare(
      `SELECT o.id FROM outbox o JOIN message_accounts m ON m.outbox_id = o.id
        WHERE m.source = ? AND m.account_id = ? AND o.kind = 'owner_message' AND o.status = 'sent'
          AND json_valid(o.payload) AND json_extract(o.payload, '$.supersededBy') IS NULL
        ORDER BY o.id`,
    )
    .pluck()
    .all(source, accountId) as number[];
}
