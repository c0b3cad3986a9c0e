import type { FixedAccountShown } from "../list-fixed-accounts-shown.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { stopAnsweredFollowUps } from "./follow-ups.js";
import { isLivePayload } from "./live-payload.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/list-fixed-accounts-shown.ts listFixedAccountsShown. The live test runs on each
 * message's payload (isLivePayload), read once per message however many accounts it shows.
 */
export async function listFixedAccountsShown(db: PgDb, platform: string): Promise<FixedAccountShown[]> {
  const rows = await db.query<{
    outbox_id: number;
    source: string;
    account_id: string;
    payload: string | null;
  }>(
    `SELECT m.outbox_id, m.source, m.account_id,
            CASE WHEN m.outbox_id IS DISTINCT FROM lag(m.outbox_id) OVER (ORDER BY m.outbox_id) THEN o.payload END
              AS payload
       FROM message_accounts m JOIN outbox o ON o.id = m.outbox_id
      WHERE o.platform = $1 AND o.kind = 'owner_message' AND o.status = 'sent' AND m.answered_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                         AND f.resolved_at IS NULL)
      ORDER BY m.outbox_id`,
    [platform],
  );
  const live = new Map<number, boolean>();
  for (const row of rows) if (row.payload !== null) live.set(row.outbox_id, isLivePayload(row.payload));
  return rows
    .filter((row) => live.get(row.outbox_id) === true)
    .map((row) => ({ outboxId: row.outbox_id, source: row.source, accountId: row.account_id }));
}

/**
 * src/store/list-fixed-accounts-shown.ts markShownAccountAnswered: the answer and the end of the
 * message's reminders in one transaction (stopAnsweredFollowUps locks what two answers share).
 */
export async function markShownAccountAnswered(db: PgDb, shown: FixedAccountShown, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      "UPDATE message_accounts SET answered_at = $1 WHERE outbox_id = $2 AND source = $3 AND account_id = $4",
      [at.toISOString(), shown.outboxId, shown.source, shown.accountId],
    );
    await stopAnsweredFollowUps(tx, shown.source, shown.accountId);
  });
}

/** The fixed-accounts methods of the outbox repository of the PostgreSQL store. */
export const FIXED_ACCOUNTS_SHOWN_PG = {
  listFixedAccountsShown,
  markShownAccountAnswered,
} satisfies Partial<PostgresQueries["outbox"]>;
