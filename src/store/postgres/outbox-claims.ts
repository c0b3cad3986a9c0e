import {
  RENEW_CLAIM_SQL,
  SENDING_ITEMS_SQL,
  type SendingItem,
  type SendingItemRow,
  toSendingItem,
  UPSERT_CLAIM_SQL,
} from "../outbox-claims.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/outbox-claims.ts claimOutboxItem. The item's row is locked `FOR UPDATE SKIP LOCKED`:
 * replicas claiming the same due item do not queue on its lock, the others find nothing and skip
 * it at once (https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE); the
 * `status = 'pending'` check, made on the locked row, keeps a claim from landing twice.
 */
export async function claimOutboxItem(
  db: PgDb,
  id: number,
  claim: { holder: string; host: string; pid: number; at: Date },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved =
      (await tx.execute(
        `UPDATE outbox SET status = 'sending', attempts = attempts + 1
         WHERE id = (SELECT id FROM outbox WHERE id = $1 AND status = 'pending' FOR UPDATE SKIP LOCKED)`,
        [id],
      )) === 1;
    if (moved)
      await tx.execute(UPSERT_CLAIM_SQL, [id, claim.holder, claim.host, claim.pid, claim.at.toISOString()]);
    return moved;
  });
}

/** src/store/outbox-claims.ts renewOutboxClaim. */
export async function renewOutboxClaim(db: PgDb, id: number, holder: string, at: Date): Promise<boolean> {
  return (await db.execute(RENEW_CLAIM_SQL, [at.toISOString(), id, holder])) === 1;
}

/** src/store/outbox-claims.ts listSendingItems. */
export async function listSendingItems(db: PgDb, platform: string): Promise<SendingItem[]> {
  return (await db.query<SendingItemRow>(SENDING_ITEMS_SQL, [platform])).map(toSendingItem);
}

export const OUTBOX_CLAIMS_PG = { claimOutboxItem, renewOutboxClaim, listSendingItems };
