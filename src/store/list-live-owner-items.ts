import type { Database } from "better-sqlite3";
import { type OutboxItem, type OutboxRow, toItem } from "./outbox.js";

/**
 * The delivered ('sent') owner messages of one platform that no newer message superseded, oldest
 * first. One whose stored message cannot be read is left out: it cannot be re-rendered anyway
 * (json_valid first: json_extract raises an error on text that is not JSON).
 */
export function listLiveOwnerItems(db: Database, platform: string): OutboxItem<"owner_message">[] {
  const rows = db
    .prepare(
      `SELECT * FROM outbox
        WHERE platform = ? AND kind = 'owner_message' AND status = 'sent'
          AND json_valid(payload) AND json_extract(payload, '$.supersededBy') IS NULL
        ORDER BY id`,
    )
    .all(platform) as OutboxRow[];
  return rows
    .map(toItem)
    .filter((item): item is OutboxItem<"owner_message"> => item.message?.kind === "owner_message");
}
