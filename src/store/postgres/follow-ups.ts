import { type DueFollowUp, type FollowUpStage, readRef } from "../follow-ups.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { isLivePayload } from "./live-payload.js";
import type { PgDb } from "./pg-db.js";

/** SQLite's LIMIT -1 (no limit) is an error in PostgreSQL; LIMIT NULL is its "no limit". */
export const pgLimit = (limit: number): number | null => (limit < 0 ? null : limit);

/**
 * src/store/follow-ups.ts listDueFollowUps. The payload is read (only of a sent owner message) to
 * tell `live` in JavaScript: see isLivePayload.
 */
export async function listDueFollowUps(
  db: PgDb,
  now: Date,
  platforms: readonly string[],
  limit: number,
): Promise<DueFollowUp[]> {
  const due = await db.query<{
    outbox_id: number;
    stage: FollowUpStage;
    platform: string | null;
    recipient: string | null;
    sent_at: string | null;
    message_ref: string | null;
    payload: string | null;
  }>(
    `SELECT f.outbox_id, f.stage, o.platform, o.recipient, o.sent_at, o.message_ref,
            CASE WHEN o.kind = 'owner_message' AND o.status = 'sent' THEN o.payload END AS payload
       FROM follow_ups f LEFT JOIN outbox o ON o.id = f.outbox_id
      WHERE f.due_at <= $1 AND (o.id IS NULL OR o.platform = ANY($2::text[]))
      ORDER BY f.due_at, f.outbox_id LIMIT $3`,
    [now.toISOString(), [...platforms], pgLimit(limit)],
  );
  return due.map((row) => {
    const platform = row.platform ?? "";
    return {
      outboxId: row.outbox_id,
      stage: row.stage,
      live: isLivePayload(row.payload) && row.platform !== null && row.sent_at !== null,
      platform,
      ownerEmail: row.recipient ?? "",
      sentAt: new Date(row.sent_at ?? 0),
      ref: row.message_ref ? readRef(platform, row.message_ref) : undefined,
    };
  });
}

/** src/store/follow-ups.ts listFollowUpAccounts (byte order, as SQLite's BINARY collation). */
export async function listFollowUpAccounts(
  db: PgDb,
  outboxId: number,
  now: Date,
): Promise<{ source: string; accountId: string }[]> {
  const rows = await db.query<{ source: string; account_id: string }>(
    `SELECT m.source, m.account_id FROM message_accounts m
      WHERE m.outbox_id = $1 AND m.answered_at IS NULL
        AND EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                     AND f.resolved_at IS NULL AND (f.accepted_until IS NULL OR f.accepted_until <= $2))
      ORDER BY m.source COLLATE "C", m.account_id COLLATE "C"`,
    [outboxId, now.toISOString()],
  );
  return rows.map((row) => ({ source: row.source, accountId: row.account_id }));
}

/** src/store/follow-ups.ts scheduleEscalation. */
export async function scheduleEscalation(db: PgDb, outboxId: number, dueAt: Date): Promise<void> {
  await db.execute("UPDATE follow_ups SET stage = 'escalation', due_at = $1 WHERE outbox_id = $2", [
    dueAt.toISOString(),
    outboxId,
  ]);
}

/** src/store/follow-ups.ts stopFollowUps. */
export async function stopFollowUps(db: PgDb, outboxId: number): Promise<void> {
  await db.execute("DELETE FROM follow_ups WHERE outbox_id = $1", [outboxId]);
}

/**
 * src/store/follow-ups.ts stopAnsweredFollowUps, for callers that have just marked the account
 * answered in the same transaction (markShownAccountAnswered, markAccountAnswered). Two
 * transactions answering the two last accounts of one message would each not see the other's
 * answer (READ COMMITTED) and both leave the schedule: so the schedule rows are locked first (in
 * id order, no deadlock between two of these), and the second, once the first commits, checks with
 * a new snapshot that sees both answers.
 * https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED
 */
export async function stopAnsweredFollowUps(db: PgDb, source: string, accountId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `SELECT outbox_id FROM follow_ups
        WHERE outbox_id IN (SELECT outbox_id FROM message_accounts WHERE source = $1 AND account_id = $2)
        ORDER BY outbox_id FOR UPDATE`,
      [source, accountId],
    );
    await tx.execute(
      `DELETE FROM follow_ups
        WHERE outbox_id IN (SELECT outbox_id FROM message_accounts WHERE source = $1 AND account_id = $2)
          AND NOT EXISTS (SELECT 1 FROM message_accounts m
                           WHERE m.outbox_id = follow_ups.outbox_id AND m.answered_at IS NULL)`,
      [source, accountId],
    );
  });
}

/** The follow-up methods of the outbox repository of the PostgreSQL store. */
export const FOLLOW_UPS_PG = {
  listDueFollowUps,
  listFollowUpAccounts,
  scheduleEscalation,
  stopFollowUps,
} satisfies Partial<PostgresQueries["outbox"]>;
