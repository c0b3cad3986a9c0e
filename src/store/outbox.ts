import type { Database } from "better-sqlite3";
import { OutboxMessageError } from "../errors.js";
import { decodeMessageRef, encodeMessageRef, type MessageRef, refLocation } from "../notify/message-ref.js";
import {
  decodeOutboxMessage,
  encodeOutboxMessage,
  type OutboxKind,
  type OutboxMessage,
  type OutboxMessageOf,
} from "../notify/outbox-message.js";
import { scheduleFollowUps, stopAnsweredFollowUps } from "./follow-ups.js";
import { packPayload, unpackPayload } from "./packed-payload.js";
import { encodeRuleBits } from "./rule-bits.js";
import { writeTransaction } from "./write-transaction.js";

export type { OutboxKind } from "../notify/outbox-message.js";
export type OutboxStatus = "pending" | "sending" | "sent" | "failed" | "unknown";

/** What the outbox knows of every item, whether or not its stored message can be read. */
interface OutboxItemHeader {
  id: number;
  platform: string;
  /** Owner email for direct messages; channel id for channel posts. */
  recipient: string;
  dedupeKey: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | undefined;
  createdAt: Date;
  sentAt: Date | undefined;
  /** Where it landed (Slack channel + ts, Teams conversation + activity id), once sent. */
  ref: MessageRef | undefined;
  /** A 'pending' item waiting to be retried is not sent before this time. */
  notBefore: Date | undefined;
  /** The first failed attempt, while the item has not been delivered. */
  failingSince: Date | undefined;
  lastAttemptAt: Date | undefined;
}

/** One message to send (or sent), decoded: `message` is typed by its kind. */
export interface OutboxItem<K extends OutboxKind = OutboxKind> extends OutboxItemHeader {
  kind: K;
  message: OutboxMessageOf<K>;
  unreadable?: undefined;
}

/** A stored item whose message (or reference) cannot be read: it is never sent, only failed. */
export interface UnreadableOutboxItem extends OutboxItemHeader {
  kind: string;
  message: undefined;
  unreadable: OutboxMessageError;
}

/** An item as the store returns it: decoded, or unreadable with the reason. */
export type StoredOutboxItem = OutboxItem | UnreadableOutboxItem;

/** A row of the outbox table, as SQLite returns `SELECT *`. */
export interface OutboxRow {
  id: number;
  platform: string;
  kind: string;
  recipient: string;
  dedupe_key: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  message_ref: string | null;
  not_before: string | null;
  failing_since: string | null;
  last_attempt_at: string | null;
}

const dateOf = (value: string | null): Date | undefined => (value ? new Date(value) : undefined);

/** The JSON text of a stored column; text that is not JSON is an OutboxMessageError. */
function parseStored(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new OutboxMessageError("E_OUTBOX_MALFORMED", `${what} is not JSON`, { cause: error });
  }
}

const readStoredRef = (platform: string, json: string): MessageRef =>
  decodeMessageRef(platform, parseStored(json, `the stored ${platform} message reference`));

/** Decodes a row once, here (src/store): callers and senders get typed messages and references. */
export const toItem = (row: OutboxRow): StoredOutboxItem => {
  const header = {
    id: row.id,
    platform: row.platform,
    recipient: row.recipient,
    dedupeKey: row.dedupe_key,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error ?? undefined,
    createdAt: new Date(row.created_at),
    sentAt: dateOf(row.sent_at),
    notBefore: dateOf(row.not_before),
    failingSince: dateOf(row.failing_since),
    lastAttemptAt: dateOf(row.last_attempt_at),
  };
  let ref: MessageRef | undefined;
  try {
    ref = row.message_ref ? readStoredRef(row.platform, row.message_ref) : undefined;
    const payload = unpackPayload(parseStored(row.payload, `the stored ${row.kind} message`));
    const message = decodeOutboxMessage(row.platform, row.kind, payload);
    return { ...header, ref, kind: message.kind, message } as OutboxItem;
  } catch (error) {
    if ((error as { code?: string }).code !== "E_OUTBOX_MALFORMED") throw error;
    return { ...header, ref, kind: row.kind, message: undefined, unreadable: error as OutboxMessageError };
  }
};

/**
 * Queues a message unless one with the same dedupe key exists; returns its id when queued.
 * `replacePending`: a message of the same kind to the same recipient that was never delivered and
 * still waits (pending, e.g. for the owner to join Slack) takes the new content instead of a second
 * message being queued, so the recipient gets one message, the latest, once reachable. Its retry
 * state (attempts, backoff, since when it fails) is kept: the recipient is as unreachable as before.
 */
export function enqueue(
  db: Database,
  item: {
    platform: string;
    recipient: string;
    dedupeKey: string;
    message: OutboxMessage;
    now: Date;
    replacePending?: boolean;
  },
): number | undefined {
  const kind = item.message.kind;
  const payload = packPayload(encodeOutboxMessage(item.platform, item.message));
  return writeTransaction(db, () => {
    if (item.replacePending) {
      if (db.prepare("SELECT 1 FROM outbox WHERE dedupe_key = ?").get(item.dedupeKey)) return undefined;
      const waiting = db
        .prepare(
          `SELECT id FROM outbox WHERE platform = ? AND kind = ? AND recipient = ? AND status = 'pending'
           ORDER BY id DESC LIMIT 1`,
        )
        .pluck()
        .get(item.platform, kind, item.recipient) as number | undefined;
      if (waiting !== undefined) {
        db.prepare("UPDATE outbox SET dedupe_key = ?, payload = ? WHERE id = ?").run(
          item.dedupeKey,
          payload,
          waiting,
        );
        return waiting;
      }
    }
    const result = db
      .prepare(
        `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      )
      .run(item.platform, kind, item.recipient, item.dedupeKey, payload, item.now.toISOString());
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  });
}

export function listOutbox(db: Database, status: OutboxStatus, platform?: string): StoredOutboxItem[] {
  return (
    db
      .prepare("SELECT * FROM outbox WHERE status = ? AND (? IS NULL OR platform = ?) ORDER BY id")
      .all(status, platform ?? null, platform ?? null) as OutboxRow[]
  ).map(toItem);
}

/**
 * Pending items of a platform whose retry time has come (or that never failed), oldest first: at
 * most `page.limit` of them after id `page.afterId` (a keyset page on outbox_by_status), so a run
 * reads and decodes a bounded batch at a time instead of every due message in one synchronous call.
 */
export function listDueOutbox(
  db: Database,
  platform: string,
  now: Date,
  page: { afterId: number; limit: number } = { afterId: 0, limit: -1 },
): StoredOutboxItem[] {
  return (
    db
      .prepare(
        `SELECT * FROM outbox WHERE status = 'pending' AND id > ? AND platform = ?
           AND (not_before IS NULL OR not_before <= ?)
         ORDER BY id LIMIT ?`,
      )
      .all(page.afterId, platform, now.toISOString(), page.limit) as OutboxRow[]
  ).map(toItem);
}

/** The status of the item queued under `dedupeKey`, if any. */
export function outboxStatusOf(db: Database, dedupeKey: string): OutboxStatus | undefined {
  return db.prepare("SELECT status FROM outbox WHERE dedupe_key = ?").pluck().get(dedupeKey) as
    | OutboxStatus
    | undefined;
}

export function getOutboxItem(db: Database, id: number): StoredOutboxItem | undefined {
  const row = db.prepare("SELECT * FROM outbox WHERE id = ?").get(id) as OutboxRow | undefined;
  return row ? toItem(row) : undefined;
}

/**
 * Moves an item between states; `from` guards against two senders taking the same item. An owner
 * message marked sent gets its follow-up schedule (src/store/follow-ups.ts) in the same transaction.
 */
export function setOutboxStatus(
  db: Database,
  id: number,
  from: OutboxStatus,
  to: OutboxStatus,
  extra: { error?: string; sentAt?: Date; ref?: MessageRef } = {},
): boolean {
  return writeTransaction(db, () => {
    const moved = setStatus(db, id, from, to, extra);
    if (moved && to === "sent") scheduleFollowUps(db, id);
    return moved;
  });
}

function setStatus(
  db: Database,
  id: number,
  from: OutboxStatus,
  to: OutboxStatus,
  extra: { error?: string; sentAt?: Date; ref?: MessageRef },
): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = ?, attempts = attempts + (CASE WHEN ? = 'sending' THEN 1 ELSE 0 END),
           last_error = coalesce(?, last_error), sent_at = coalesce(?, sent_at), message_ref = coalesce(?, message_ref)
         WHERE id = ? AND status = ?`,
      )
      .run(
        to,
        to,
        extra.error ?? null,
        extra.sentAt?.toISOString() ?? null,
        extra.ref ? JSON.stringify(encodeMessageRef(extra.ref)) : null,
        id,
        from,
      ).changes === 1
  );
}

/**
 * A failed attempt whose cause can clear: the item goes back to 'pending', not to be tried before
 * `notBefore`. `failing_since` keeps the first failure.
 */
export function recordRetry(
  db: Database,
  id: number,
  outcome: { error: string; at: Date; notBefore: Date },
): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = 'pending', last_error = ?, not_before = ?, last_attempt_at = ?,
           failing_since = coalesce(failing_since, ?)
         WHERE id = ? AND status = 'sending'`,
      )
      .run(
        outcome.error,
        outcome.notBefore.toISOString(),
        outcome.at.toISOString(),
        outcome.at.toISOString(),
        id,
      ).changes === 1
  );
}

/** A permanent refusal: the item is 'failed' with the reason and never tried again. */
export function recordRefusal(db: Database, id: number, outcome: { error: string; at: Date }): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = 'failed', last_error = ?, not_before = NULL, last_attempt_at = ?,
           failing_since = coalesce(failing_since, ?)
         WHERE id = ? AND status = 'sending'`,
      )
      .run(outcome.error, outcome.at.toISOString(), outcome.at.toISOString(), id).changes === 1
  );
}

/**
 * The cause of failed deliveries may have cleared (a Teams install, a conversation seen): every
 * item of `platform` waiting to be retried becomes due now. Returns how many.
 */
export function retryWaitingNow(db: Database, platform: string, now: Date): number {
  return db
    .prepare(
      `UPDATE outbox SET not_before = ?
       WHERE platform = ? AND status = 'pending' AND failing_since IS NOT NULL AND not_before > ?`,
    )
    .run(now.toISOString(), platform, now.toISOString()).changes;
}

/**
 * Every pending item of `platform` due now waits until `until` (a run stopped because the
 * platform refuses warden itself, e.g. a revoked token: they are not tried, and not lost, meanwhile).
 */
export function deferDue(db: Database, platform: string, now: Date, until: Date): number {
  return db
    .prepare(
      `UPDATE outbox SET not_before = ?
       WHERE platform = ? AND status = 'pending' AND (not_before IS NULL OR not_before <= ?)`,
    )
    .run(until.toISOString(), platform, now.toISOString()).changes;
}

/** When the next pending item of `platform` is due (undefined: nothing pending). */
export function nextDueAt(db: Database, platform: string): Date | undefined {
  const row = db
    .prepare(
      `SELECT min(coalesce(not_before, created_at)) FROM outbox WHERE platform = ? AND status = 'pending'`,
    )
    .pluck()
    .get(platform) as string | null;
  return row ? new Date(row) : undefined;
}

/** A message warden could not deliver, for the digest and the doctor. */
export interface UndeliveredMessage {
  id: number;
  platform: string;
  kind: OutboxKind;
  recipient: string;
  /** The first failed attempt. */
  since: Date;
  lastError: string;
  /** true: still being retried; false: refused for good. */
  retrying: boolean;
}

/**
 * Messages still undelivered `giveUpMs` after their first failure (they are still retried), and
 * messages refused for good within the last `giveUpMs` (so each refusal is reported for that long),
 * oldest first.
 */
export function listUndelivered(
  db: Database,
  options: { now: Date; giveUpMs: number },
): UndeliveredMessage[] {
  const cutoff = new Date(options.now.getTime() - options.giveUpMs).toISOString();
  const rows = db
    .prepare(
      `SELECT id, platform, kind, recipient, failing_since, last_error, status FROM outbox
        WHERE failing_since IS NOT NULL
          AND ((status = 'pending' AND failing_since <= ?) OR (status = 'failed' AND last_attempt_at >= ?))
        ORDER BY failing_since, id`,
    )
    .all(cutoff, cutoff) as UndeliveredRow[];
  return rows.map(toUndelivered);
}

/** A row listUndelivered reads, on both backends. */
export interface UndeliveredRow {
  id: number;
  platform: string;
  kind: OutboxKind;
  recipient: string;
  failing_since: string;
  last_error: string | null;
  status: OutboxStatus;
}

export const toUndelivered = (row: UndeliveredRow): UndeliveredMessage => ({
  id: row.id,
  platform: row.platform,
  kind: row.kind,
  recipient: row.recipient,
  since: new Date(row.failing_since),
  lastError: row.last_error ?? "",
  retrying: row.status === "pending",
});

/** Records which accounts (and rules) a sent message showed. */
export function recordMessageAccounts(
  db: Database,
  outboxId: number,
  accounts: readonly { source: string; accountId: string; rules: readonly string[] }[],
): void {
  const insert = db.prepare(
    "INSERT OR REPLACE INTO message_accounts (outbox_id, source, account_id, rules) VALUES (?, ?, ?, ?)",
  );
  for (const a of accounts) insert.run(outboxId, a.source, a.accountId, encodeRuleBits(a.rules));
}

/** A sent message that listed an account, and where it landed. */
export interface MessageShowing {
  platform: string;
  kind: OutboxKind;
  sentAt: Date | undefined;
  /** Conversation and message id, from the platform's message reference. */
  location: { conversation: string; message: string } | undefined;
}

/** The message `outboxId` if it showed the account, with where it landed. */
export function findMessageShowing(
  db: Database,
  outboxId: number,
  source: string,
  accountId: string,
): MessageShowing | undefined {
  const row = db
    .prepare(
      `SELECT o.platform, o.kind, o.sent_at, o.message_ref FROM outbox o
         JOIN message_accounts m ON m.outbox_id = o.id AND m.source = ? AND m.account_id = ?
        WHERE o.id = ?`,
    )
    .get(source, accountId, outboxId) as
    | { platform: string; kind: OutboxKind; sent_at: string | null; message_ref: string | null }
    | undefined;
  if (!row) return undefined;
  return {
    platform: row.platform,
    kind: row.kind,
    sentAt: row.sent_at ? new Date(row.sent_at) : undefined,
    location: messageLocation(row.platform, row.message_ref),
  };
}

/** Where a stored reference says a message landed; undefined when there is none or it cannot be read. */
export function messageLocation(platform: string, ref: string | null): MessageShowing["location"] {
  const decoded = ref ? readRef(platform, ref) : undefined;
  return decoded && refLocation(decoded);
}

/**
 * Replaces the stored message of sent item `id` (after a decision changed what it shows); the
 * kind stays. Returns false when there is no such item of that kind.
 */
export function setOutboxMessage(db: Database, id: number, message: OutboxMessage): boolean {
  const platform = db.prepare("SELECT platform FROM outbox WHERE id = ?").pluck().get(id) as
    | string
    | undefined;
  if (platform === undefined) return false;
  return (
    db
      .prepare("UPDATE outbox SET payload = ? WHERE id = ? AND kind = ?")
      .run(packPayload(encodeOutboxMessage(platform, message)), id, message.kind).changes === 1
  );
}

/**
 * The owner's answer ends reminders: every message that showed the account counts as answered, and
 * one left with no unanswered account is not chased any more.
 */
export function markAccountAnswered(db: Database, source: string, accountId: string, at: Date): void {
  writeTransaction(db, () => {
    db.prepare(
      "UPDATE message_accounts SET answered_at = ? WHERE source = ? AND account_id = ? AND answered_at IS NULL",
    ).run(at.toISOString(), source, accountId);
    stopAnsweredFollowUps(db, source, accountId);
  });
}

/** A sent owner message with accounts nobody has answered for yet (and whose findings are still open). */
export interface UnansweredMessage {
  outboxId: number;
  platform: string;
  ownerEmail: string;
  sentAt: Date;
  /** Where it landed; undefined when unknown or unreadable (a reminder then cannot reply under it). */
  ref: MessageRef | undefined;
  accountIds: { source: string; accountId: string }[];
}

/**
 * Owner messages sent before `sentBefore` with unanswered accounts that still have open findings
 * not kept (accepted). An account fixed in ServiceNow directly has no open finding and drops out;
 * a message superseded by a newer one is not chased (the newer one is).
 */
export function listUnansweredMessages(db: Database, sentBefore: Date, now: Date): UnansweredMessage[] {
  const rows = db
    .prepare(
      `SELECT o.id, o.platform, o.recipient, o.sent_at, o.message_ref, m.source, m.account_id
         FROM outbox o JOIN message_accounts m ON m.outbox_id = o.id
        WHERE o.kind = 'owner_message' AND o.status = 'sent' AND o.sent_at <= ? AND m.answered_at IS NULL
          AND json_valid(o.payload) AND json_extract(o.payload, '$.supersededBy') IS NULL
          AND EXISTS (SELECT 1 FROM findings f WHERE f.source = m.source AND f.account_id = m.account_id
                       AND f.resolved_at IS NULL AND (f.accepted_until IS NULL OR f.accepted_until <= ?))
        ORDER BY o.id`,
    )
    .all(sentBefore.toISOString(), now.toISOString()) as UnansweredRow[];
  return groupUnansweredMessages(rows);
}

/** One unanswered account of a sent owner message, as both backends read it. */
export interface UnansweredRow {
  id: number;
  platform: string;
  recipient: string;
  sent_at: string;
  message_ref: string | null;
  source: string;
  account_id: string;
}

/** Rows of unanswered accounts (ordered by message) as one entry per message. */
export function groupUnansweredMessages(rows: readonly UnansweredRow[]): UnansweredMessage[] {
  const byMessage = new Map<number, UnansweredMessage>();
  for (const row of rows) {
    const message = byMessage.get(row.id) ?? {
      outboxId: row.id,
      platform: row.platform,
      ownerEmail: row.recipient,
      sentAt: new Date(row.sent_at),
      ref: row.message_ref ? readRef(row.platform, row.message_ref) : undefined,
      accountIds: [],
    };
    message.accountIds.push({ source: row.source, accountId: row.account_id });
    byMessage.set(row.id, message);
  }
  return [...byMessage.values()];
}

/** A reference read where a bad one only means "unknown" (the item itself is decoded elsewhere). */
export function readRef(platform: string, ref: string): MessageRef | undefined {
  try {
    return readStoredRef(platform, ref);
  } catch {
    return undefined;
  }
}
