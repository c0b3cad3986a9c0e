import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

/** The process sending an outbox item, recorded when it claimed the item (migration 25). */
export interface OutboxClaim {
  holder: string;
  host: string;
  pid: number;
  /** When it claimed the item, or last said it is still sending it (a 429's wait). */
  claimedAt: Date;
}

/** An item marked 'sending', with who claimed it (none for an item claimed before schema 25). */
export interface SendingItem {
  id: number;
  platform: string;
  kind: string;
  recipient: string;
  claim: OutboxClaim | undefined;
}

/** A row of `SENDING_ITEMS_SQL`. */
export interface SendingItemRow {
  id: number | string;
  platform: string;
  kind: string;
  recipient: string;
  holder: string | null;
  host: string | null;
  pid: number | string | null;
  claimed_at: string | null;
}

/** The 'sending' items of a platform with their claims (both backends; `$1` the platform). */
export const SENDING_ITEMS_SQL = `SELECT o.id, o.platform, o.kind, o.recipient, c.holder, c.host, c.pid, c.claimed_at
  FROM outbox o LEFT JOIN outbox_claims c ON c.outbox_id = o.id
  WHERE o.status = 'sending' AND o.platform = $1 ORDER BY o.id`;

/** Records (or takes over) the claim of an item just marked 'sending' (both backends). */
export const UPSERT_CLAIM_SQL = `INSERT INTO outbox_claims (outbox_id, holder, host, pid, claimed_at)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (outbox_id) DO UPDATE SET holder = excluded.holder, host = excluded.host,
    pid = excluded.pid, claimed_at = excluded.claimed_at`;

/** A holder still sending its item says so (both backends; `$1` the time, `$2` the item, `$3` the holder). */
export const RENEW_CLAIM_SQL = `UPDATE outbox_claims SET claimed_at = $1 WHERE outbox_id = $2 AND holder = $3
  AND EXISTS (SELECT 1 FROM outbox WHERE id = $2 AND status = 'sending')`;

export function toSendingItem(row: SendingItemRow): SendingItem {
  return {
    id: Number(row.id),
    platform: row.platform,
    kind: row.kind,
    recipient: row.recipient,
    claim:
      row.holder !== null && row.host !== null && row.pid !== null && row.claimed_at !== null
        ? { holder: row.holder, host: row.host, pid: Number(row.pid), claimedAt: new Date(row.claimed_at) }
        : undefined,
  };
}

const positional = (sql: string) => sql.replace(/\$\d/g, "?");

/**
 * Moves a pending item to 'sending' for `claim`'s process and records the claim, in one
 * transaction: of two senders, one moves it (false for the other, which skips it). The attempt
 * is counted as setOutboxStatus counts it.
 */
export function claimOutboxItem(
  db: Database,
  id: number,
  claim: { holder: string; host: string; pid: number; at: Date },
): boolean {
  return writeTransaction(db, () => {
    const moved =
      db
        .prepare(
          "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
        )
        .run(id).changes === 1;
    if (moved)
      db.prepare(positional(UPSERT_CLAIM_SQL)).run(
        id,
        claim.holder,
        claim.host,
        claim.pid,
        claim.at.toISOString(),
      );
    return moved;
  });
}

/** Renews `holder`'s claim of an item it is still sending; false when it is no longer sending it. */
export function renewOutboxClaim(db: Database, id: number, holder: string, at: Date): boolean {
  // RENEW_CLAIM_SQL names $2 twice: bound by name in SQLite.
  return (
    db.prepare(RENEW_CLAIM_SQL.replace(/\$(\d)/g, "@p$1")).run({ p1: at.toISOString(), p2: id, p3: holder })
      .changes === 1
  );
}

/** The platform's items marked 'sending', oldest first, with who claimed each. */
export function listSendingItems(db: Database, platform: string): SendingItem[] {
  return (db.prepare(positional(SENDING_ITEMS_SQL)).all(platform) as SendingItemRow[]).map(toSendingItem);
}
