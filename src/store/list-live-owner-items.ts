import type { Database } from "better-sqlite3";
import { getOutboxItem, type OutboxItem } from "./outbox.js";

/**
 * The delivered ('sent') owner messages of one platform that no newer message superseded, oldest
 * first. One whose stored message cannot be read is left out: it cannot be re-rendered anyway.
 */
export function listLiveOwnerItems(db: Database, platform: string): OutboxItem<"owner_message">[] {
  const ids = db
    .prepare(
      `SELECT id FROM outbox
        WHERE platform = ? AND kind = 'owner_message' AND status = 'sent'
          AND json_extract(payload, '$.supersededBy') IS NULL
        ORDER BY id`,
    )
    .pluck()
    .all(platform) as number[];
  return ids
    .map((id) => getOutboxItem(db, id))
    .filter((item): item is OutboxItem<"owner_message"> => item?.message?.kind === "owner_message");
}
