import { FOLLOW_UP_DELAYS } from "../../notify/follow-up-delays.js";
import { encodeMessageRef, type MessageRef } from "../../notify/message-ref.js";
import { encodeOutboxMessage, type OutboxMessage } from "../../notify/outbox-message.js";
import {
  groupUnansweredMessages,
  type MessageShowing,
  messageLocation,
  type OutboxKind,
  type OutboxRow,
  type OutboxStatus,
  type StoredOutboxItem,
  toItem,
  toUndelivered,
  type UnansweredMessage,
  type UnansweredRow,
  type UndeliveredMessage,
  type UndeliveredRow,
} from "../outbox.js";
import { packPayload } from "../packed-payload.js";
import { encodeRuleBits } from "../rule-bits.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import { stopAnsweredFollowUps } from "./follow-ups.js";
import type { PgDb } from "./pg-db.js";
import { isUnsupersededPayload } from "./unsuperseded-payload.js";

/**
 * The first keys of the (int, int) advisory locks enqueue takes: "outr" on one platform, kind and
 * recipient, "outk" on one dedupe key (the second key is a hash of it). Two-key locks never collide
 * with the one-key locks of the audit log or scan claims:
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
const OUTBOX_RECIPIENT_LOCK = 0x6f757472;
const OUTBOX_KEY_LOCK = 0x6f75746b;

/**
 * src/store/outbox.ts enqueue. SQLite's write lock makes each enqueue see the one before; under
 * READ COMMITTED two at once would not: both could queue a message to one recipient where the
 * second should have replaced the first (replacePending), and a replacement taking a dedupe key
 * another connection is inserting would fail on the unique index instead of answering "already
 * queued". So every enqueue takes turns, until its transaction ends, with the others to the same
 * recipient (platform and kind) and with those of the same dedupe key, always in that order; the
 * insert itself stays `ON CONFLICT DO NOTHING`, so the dedupe key is queued once whatever happens.
 */
export async function enqueue(
  db: PgDb,
  item: {
    platform: string;
    recipient: string;
    dedupeKey: string;
    message: OutboxMessage;
    now: Date;
    replacePending?: boolean;
  },
): Promise<number | undefined> {
  const kind = item.message.kind;
  const payload = packPayload(encodeOutboxMessage(item.platform, item.message));
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [
      OUTBOX_RECIPIENT_LOCK,
      JSON.stringify([item.platform, kind, item.recipient]),
    ]);
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [OUTBOX_KEY_LOCK, item.dedupeKey]);
    if (item.replacePending) {
      const [queued] = await tx.query("SELECT 1 FROM outbox WHERE dedupe_key = $1", [item.dedupeKey]);
      if (queued) return undefined;
      for (;;) {
        const [waiting] = await tx.query<{ id: number }>(
          `SELECT id FROM outbox WHERE platform = $1 AND kind = $2 AND recipient = $3 AND status = 'pending'
           ORDER BY id DESC LIMIT 1`,
          [item.platform, kind, item.recipient],
        );
        if (!waiting) break;
        // A sender may have taken it ('sending') since: then it is not replaced, and the next
        // waiting one (or none) is looked for again, as SQLite would have found it.
        const replaced = await tx.execute(
          "UPDATE outbox SET dedupe_key = $1, payload = $2 WHERE id = $3 AND status = 'pending'",
          [item.dedupeKey, payload, waiting.id],
        );
        if (replaced === 1) return waiting.id;
      }
    }
    const [inserted] = await tx.query<{ id: number }>(
      `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, created_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [item.platform, kind, item.recipient, item.dedupeKey, payload, item.now.toISOString()],
    );
    return inserted ? Number(inserted.id) : undefined;
  });
}

/** src/store/outbox.ts listOutbox. */
export async function listOutbox(
  db: PgDb,
  status: OutboxStatus,
  platform?: string,
): Promise<StoredOutboxItem[]> {
  const rows = await db.query<OutboxRow>(
    "SELECT * FROM outbox WHERE status = $1 AND ($2::text IS NULL OR platform = $2) ORDER BY id",
    [status, platform ?? null],
  );
  return rows.map(toItem);
}

/** src/store/outbox.ts listDueOutbox. SQLite's `LIMIT -1` (no limit) is PostgreSQL's `LIMIT NULL`. */
export async function listDueOutbox(
  db: PgDb,
  platform: string,
  now: Date,
  page: { afterId: number; limit: number } = { afterId: 0, limit: -1 },
): Promise<StoredOutboxItem[]> {
  const rows = await db.query<OutboxRow>(
    `SELECT * FROM outbox WHERE status = 'pending' AND id > $1 AND platform = $2
       AND (not_before IS NULL OR not_before <= $3)
     ORDER BY id LIMIT $4`,
    [page.afterId, platform, now.toISOString(), page.limit < 0 ? null : page.limit],
  );
  return rows.map(toItem);
}

/** src/store/outbox.ts outboxStatusOf. */
export async function outboxStatusOf(db: PgDb, dedupeKey: string): Promise<OutboxStatus | undefined> {
  const [row] = await db.query<{ status: OutboxStatus }>("SELECT status FROM outbox WHERE dedupe_key = $1", [
    dedupeKey,
  ]);
  return row?.status;
}

/** src/store/outbox.ts getOutboxItem. */
export async function getOutboxItem(db: PgDb, id: number): Promise<StoredOutboxItem | undefined> {
  const [row] = await db.query<OutboxRow>("SELECT * FROM outbox WHERE id = $1", [id]);
  return row ? toItem(row) : undefined;
}

/**
 * src/store/outbox.ts setOutboxStatus. `WHERE status = from` is the guard: of two senders moving
 * the same item at once, the second waits for the first's row lock, finds the status changed and
 * touches nothing (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED).
 */
export async function setOutboxStatus(
  db: PgDb,
  id: number,
  from: OutboxStatus,
  to: OutboxStatus,
  extra: { error?: string; sentAt?: Date; ref?: MessageRef } = {},
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const moved =
      (await tx.execute(
        `UPDATE outbox SET status = $1, attempts = attempts + (CASE WHEN $1 = 'sending' THEN 1 ELSE 0 END),
           last_error = coalesce($2, last_error), sent_at = coalesce($3, sent_at), message_ref = coalesce($4, message_ref)
         WHERE id = $5 AND status = $6`,
        [
          to,
          extra.error ?? null,
          extra.sentAt?.toISOString() ?? null,
          extra.ref ? JSON.stringify(encodeMessageRef(extra.ref)) : null,
          id,
          from,
        ],
      )) === 1;
    if (moved && to === "sent") await scheduleFollowUps(tx, id);
    return moved;
  });
}

/**
 * src/store/follow-ups.ts scheduleFollowUps. The days are added to the UTC wall clock (timestamp
 * without time zone), as SQLite's strftime(…, '+3 days') does: on timestamptz they would follow the
 * session's time zone across a DST change.
 */
async function scheduleFollowUps(db: PgDb, outboxId: number): Promise<void> {
  await db.execute(
    `INSERT INTO follow_ups (outbox_id, stage, due_at)
     SELECT id, 'reminder',
            to_char((sent_at::timestamptz AT TIME ZONE 'UTC') + make_interval(days => $1), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
       FROM outbox WHERE id = $2 AND kind = 'owner_message' AND status = 'sent' AND sent_at IS NOT NULL
     ON CONFLICT (outbox_id) DO NOTHING`,
    [FOLLOW_UP_DELAYS.reminderDays, outboxId],
  );
}

/** src/store/outbox.ts recordRetry. */
export async function recordRetry(
  db: PgDb,
  id: number,
  outcome: { error: string; at: Date; notBefore: Date },
): Promise<boolean> {
  return (
    (await db.execute(
      `UPDATE outbox SET status = 'pending', last_error = $1, not_before = $2, last_attempt_at = $3,
         failing_since = coalesce(failing_since, $3)
       WHERE id = $4 AND status = 'sending'`,
      [outcome.error, outcome.notBefore.toISOString(), outcome.at.toISOString(), id],
    )) === 1
  );
}

/** src/store/outbox.ts recordRefusal. */
export async function recordRefusal(
  db: PgDb,
  id: number,
  outcome: { error: string; at: Date },
): Promise<boolean> {
  return (
    (await db.execute(
      `UPDATE outbox SET status = 'failed', last_error = $1, not_before = NULL, last_attempt_at = $2,
         failing_since = coalesce(failing_since, $2)
       WHERE id = $3 AND status = 'sending'`,
      [outcome.error, outcome.at.toISOString(), id],
    )) === 1
  );
}

/** src/store/outbox.ts retryWaitingNow. */
export async function retryWaitingNow(db: PgDb, platform: string, now: Date): Promise<number> {
  return db.execute(
    `UPDATE outbox SET not_before = $1
     WHERE platform = $2 AND status = 'pending' AND failing_since IS NOT NULL AND not_before > $1`,
    [now.toISOString(), platform],
  );
}

/** src/store/outbox.ts deferDue. */
export async function deferDue(db: PgDb, platform: string, now: Date, until: Date): Promise<number> {
  return db.execute(
    `UPDATE outbox SET not_before = $1
     WHERE platform = $2 AND status = 'pending' AND (not_before IS NULL OR not_before <= $3)`,
    [until.toISOString(), platform, now.toISOString()],
  );
}

/** src/store/outbox.ts nextDueAt. */
export async function nextDueAt(db: PgDb, platform: string): Promise<Date | undefined> {
  const [row] = await db.query<{ due: string | null }>(
    "SELECT min(coalesce(not_before, created_at)) AS due FROM outbox WHERE platform = $1 AND status = 'pending'",
    [platform],
  );
  return row?.due ? new Date(row.due) : undefined;
}

/** src/store/outbox.ts listUndelivered. */
export async function listUndelivered(
  db: PgDb,
  options: { now: Date; giveUpMs: number },
): Promise<UndeliveredMessage[]> {
  const cutoff = new Date(options.now.getTime() - options.giveUpMs).toISOString();
  const rows = await db.query<UndeliveredRow>(
    `SELECT id, platform, kind, recipient, failing_since, last_error, status FROM outbox
      WHERE failing_since IS NOT NULL
        AND ((status = 'pending' AND failing_since <= $1) OR (status = 'failed' AND last_attempt_at >= $1))
      ORDER BY failing_since, id`,
    [cutoff],
  );
  return rows.map(toUndelivered);
}

/**
 * src/store/outbox.ts recordMessageAccounts, in one statement. SQLite's INSERT OR REPLACE writes
 * a new row, so a replaced one is unanswered again (answered_at NULL), and of an account listed
 * twice the last wins: one INSERT cannot touch a row twice, so the list is deduplicated first.
 */
export async function recordMessageAccounts(
  db: PgDb,
  outboxId: number,
  accounts: readonly { source: string; accountId: string; rules: readonly string[] }[],
): Promise<void> {
  const byAccount = new Map<string, { source: string; accountId: string; bits: number }>();
  for (const a of accounts) {
    byAccount.set(JSON.stringify([a.source, a.accountId]), {
      source: a.source,
      accountId: a.accountId,
      bits: encodeRuleBits(a.rules),
    });
  }
  if (byAccount.size === 0) return;
  const rows = [...byAccount.values()];
  await db.execute(
    `INSERT INTO message_accounts (outbox_id, source, account_id, rules)
     SELECT $1, a.source, a.account_id, a.rules FROM unnest($2::text[], $3::text[], $4::bigint[]) AS a (source, account_id, rules)
     ON CONFLICT (outbox_id, source, account_id) DO UPDATE SET rules = excluded.rules, answered_at = NULL`,
    [outboxId, rows.map((r) => r.source), rows.map((r) => r.accountId), rows.map((r) => r.bits)],
  );
}

/** src/store/outbox.ts findMessageShowing. */
export async function findMessageShowing(
  db: PgDb,
  outboxId: number,
  source: string,
  accountId: string,
): Promise<MessageShowing | undefined> {
  const [row] = await db.query<{
    platform: string;
    kind: OutboxKind;
    sent_at: string | null;
    message_ref: string | null;
  }>(
    `SELECT o.platform, o.kind, o.sent_at, o.message_ref FROM outbox o
       JOIN message_accounts m ON m.outbox_id = o.id AND m.source = $1 AND m.account_id = $2
      WHERE o.id = $3`,
    [source, accountId, outboxId],
  );
  if (!row) return undefined;
  return {
    platform: row.platform,
    kind: row.kind,
    sentAt: row.sent_at ? new Date(row.sent_at) : undefined,
    location: messageLocation(row.platform, row.message_ref),
  };
}

/** src/store/outbox.ts setOutboxMessage (an item's platform never changes: two statements are fine). */
export async function setOutboxMessage(db: PgDb, id: number, message: OutboxMessage): Promise<boolean> {
  const [row] = await db.query<{ platform: string }>("SELECT platform FROM outbox WHERE id = $1", [id]);
  if (row === undefined) return false;
  return (
    (await db.execute("UPDATE outbox SET payload = $1 WHERE id = $2 AND kind = $3", [
      packPayload(encodeOutboxMessage(row.platform, message)),
      id,
      message.kind,
    ])) === 1
  );
}

/**
 * src/store/outbox.ts markAccountAnswered, with follow-ups.ts stopAnsweredFollowUps. Two answers
 * at once for the last two accounts of one message would each still see the other's account
 * unanswered (READ COMMITTED) and both leave the follow-up: so the follow-ups of the messages
 * showing the account are locked first (FOR UPDATE, in id order), and the second answer, once the
 * first committed, sees both accounts answered and stops them.
 */
export async function markAccountAnswered(
  db: PgDb,
  source: string,
  accountId: string,
  at: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      "UPDATE message_accounts SET answered_at = $1 WHERE source = $2 AND account_id = $3 AND answered_at IS NULL",
      [at.toISOString(), source, accountId],
    );
    await stopAnsweredFollowUps(tx, source, accountId);
  });
}

/**
 * src/store/outbox.ts listUnansweredMessages. Whether a message is superseded is read in JS
 * (isUnsupersededPayload); the accounts of a message come in primary-key order, as SQLite's plan
 * gives them.
 */
export async function listUnansweredMessages(
  db: PgDb,
  sentBefore: Date,
  now: Date,
): Promise<UnansweredMessage[]> {
  const rows = await db.query<UnansweredRow & { payload: string }>(
    `SELECT o.id, o.platform, o.recipient, o.sent_at, o.message_ref, o.payload, m.source, m.account_id
       FROM outbox o JOIN message_accounts m ON m.outbox_id = o.id
      WHERE o.kind = 'owner_message' AND o.status = 'sent' AND o.sent_at <= $1 AND m.answered_at IS NULL
        AND EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                     AND f.resolved_at IS NULL AND (f.accepted_until IS NULL OR f.accepted_until <= $2))
      ORDER BY o.id, m.source, m.account_id`,
    [sentBefore.toISOString(), now.toISOString()],
  );
  // Whether a message is superseded is read once per message, in JS (isUnsupersededPayload).
  const live = new Map<number, boolean>();
  const isLive = (row: UnansweredRow & { payload: string }) => {
    const known = live.get(row.id) ?? isUnsupersededPayload(row.payload);
    live.set(row.id, known);
    return known;
  };
  return groupUnansweredMessages(rows.filter(isLive));
}

/** The outbox.ts part of the outbox repository of the PostgreSQL store. */
export const OUTBOX_PG = {
  enqueue,
  listOutbox,
  listDueOutbox,
  outboxStatusOf,
  getOutboxItem,
  setOutboxStatus,
  recordRetry,
  recordRefusal,
  retryWaitingNow,
  deferDue,
  nextDueAt,
  listUndelivered,
  recordMessageAccounts,
  findMessageShowing,
  setOutboxMessage,
  markAccountAnswered,
  listUnansweredMessages,
} satisfies Partial<PostgresQueries["outbox"]>;
