import type { Database } from "better-sqlite3";
import { FOLLOW_UP_DELAYS } from "../notify/follow-up-delays.js";
import { decodeMessageRef, type MessageRef } from "../notify/message-ref.js";

/** What comes next for a sent owner message nobody has answered in full. */
export type FollowUpStage = "reminder" | "escalation";

/** A sent owner message whose next follow-up is due. */
export interface DueFollowUp {
  outboxId: number;
  stage: FollowUpStage;
  platform: string;
  ownerEmail: string;
  sentAt: Date;
  /** Where it landed; undefined when unknown or unreadable (a reminder then cannot reply under it). */
  ref: MessageRef | undefined;
  /** false: no longer a live sent owner message (superseded, or gone); nothing to chase. */
  live: boolean;
}

/**
 * Schedules the reminder of owner message `outboxId`, just marked sent: due
 * `FOLLOW_UP_DELAYS.reminderDays` after its sent time. Anything else (an unowned post, a digest) is
 * not chased. Called by setOutboxStatus in the same transaction as the status change.
 */
export function scheduleFollowUps(db: Database, outboxId: number): void {
  db.prepare(
    `INSERT OR IGNORE INTO follow_ups (outbox_id, stage, due_at)
     SELECT id, 'reminder', strftime('%Y-%m-%dT%H:%M:%fZ', sent_at, ?) FROM outbox
      WHERE id = ? AND kind = 'owner_message' AND status = 'sent' AND sent_at IS NOT NULL`,
  ).run(`+${FOLLOW_UP_DELAYS.reminderDays} days`, outboxId);
}

/**
 * Up to `limit` follow-ups of messages on `platforms` due at `now`, earliest first, on
 * follow_ups_due. `live` is false for a message whose schedule outlived it (no longer a sent owner
 * message, or superseded): it is stopped.
 */
export function listDueFollowUps(
  db: Database,
  now: Date,
  platforms: readonly string[],
  limit: number,
): DueFollowUp[] {
  const due = db
    .prepare(
      `SELECT f.outbox_id, f.stage, o.platform, o.recipient, o.sent_at, o.message_ref,
              (o.kind = 'owner_message' AND o.status = 'sent'
               -- CASE, not AND: SQLite may evaluate both sides of an AND, and json_extract raises
               -- on text that is not JSON (one bad row would fail every follow-up pass).
               AND CASE WHEN json_valid(o.payload) THEN json_extract(o.payload, '$.supersededBy') IS NULL
                        ELSE 0 END) AS live
         FROM follow_ups f LEFT JOIN outbox o ON o.id = f.outbox_id
        WHERE f.due_at <= ? AND (o.id IS NULL OR o.platform IN (SELECT value FROM json_each(?)))
        ORDER BY f.due_at, f.outbox_id LIMIT ?`,
    )
    .all(now.toISOString(), JSON.stringify(platforms), limit) as {
    outbox_id: number;
    stage: FollowUpStage;
    platform: string | null;
    recipient: string | null;
    sent_at: string | null;
    message_ref: string | null;
    live: number | null;
  }[];
  return due.map((row) => {
    const platform = row.platform ?? "";
    return {
      outboxId: row.outbox_id,
      stage: row.stage,
      live: row.live === 1 && row.platform !== null && row.sent_at !== null,
      platform,
      ownerEmail: row.recipient ?? "",
      sentAt: new Date(row.sent_at ?? 0),
      ref: row.message_ref ? readRef(platform, row.message_ref) : undefined,
    };
  });
}

/**
 * The accounts message `outboxId` still chases at `now`: unanswered, with open findings not kept
 * (accepted). On the primary key of message_accounts (outbox_id first) and findings_by_account.
 */
export function listFollowUpAccounts(
  db: Database,
  outboxId: number,
  now: Date,
): { source: string; accountId: string }[] {
  const rows = db
    .prepare(
      `SELECT m.source, m.account_id FROM message_accounts m
        WHERE m.outbox_id = ? AND m.answered_at IS NULL
          AND EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                       AND f.resolved_at IS NULL AND (f.accepted_until IS NULL OR f.accepted_until <= ?))
        ORDER BY m.source, m.account_id`,
    )
    .all(outboxId, now.toISOString()) as { source: string; account_id: string }[];
  return rows.map((row) => ({ source: row.source, accountId: row.account_id }));
}

/** The reminder of `outboxId` is queued: its escalation is due at `dueAt`. */
export function scheduleEscalation(db: Database, outboxId: number, dueAt: Date): void {
  db.prepare("UPDATE follow_ups SET stage = 'escalation', due_at = ? WHERE outbox_id = ?").run(
    dueAt.toISOString(),
    outboxId,
  );
}

/** Message `outboxId` is not chased any more (escalated, superseded, answered, or gone). */
export function stopFollowUps(db: Database, outboxId: number): void {
  db.prepare("DELETE FROM follow_ups WHERE outbox_id = ?").run(outboxId);
}

/**
 * Stops chasing the messages showing the account that have no unanswered account left. Called
 * where an account is marked answered, in the same transaction.
 */
export function stopAnsweredFollowUps(db: Database, source: string, accountId: string): void {
  db.prepare(
    `DELETE FROM follow_ups
      WHERE outbox_id IN (SELECT outbox_id FROM message_accounts WHERE source = ? AND account_id = ?)
        AND NOT EXISTS (SELECT 1 FROM message_accounts m
                         WHERE m.outbox_id = follow_ups.outbox_id AND m.answered_at IS NULL)`,
  ).run(source, accountId);
}

/** A stored reference where a bad one only means "unknown" (the reminder then posts on its own). */
export function readRef(platform: string, ref: string): MessageRef | undefined {
  try {
    return decodeMessageRef(platform, JSON.parse(ref));
  } catch {
    return undefined;
  }
}
