import type { Database } from "better-sqlite3";

export type OutboxKind = "owner_message" | "unowned" | "digest" | "reminder" | "escalation" | "not_mine";
export type OutboxStatus = "pending" | "sending" | "sent" | "failed" | "unknown";

/** One message to send (or sent). `payload` is the neutral view, as JSON. */
export interface OutboxItem {
  id: number;
  platform: string;
  kind: OutboxKind;
  /** Owner email for direct messages; channel id for channel posts. */
  recipient: string;
  dedupeKey: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | undefined;
  createdAt: Date;
  sentAt: Date | undefined;
  /** Where it landed, platform-specific JSON (Slack channel + ts, Teams conversation + activity id). */
  messageRef: string | undefined;
}

interface OutboxRow {
  id: number;
  platform: string;
  kind: OutboxKind;
  recipient: string;
  dedupe_key: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  message_ref: string | null;
}

const toItem = (row: OutboxRow): OutboxItem => ({
  id: row.id,
  platform: row.platform,
  kind: row.kind,
  recipient: row.recipient,
  dedupeKey: row.dedupe_key,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error ?? undefined,
  createdAt: new Date(row.created_at),
  sentAt: row.sent_at ? new Date(row.sent_at) : undefined,
  messageRef: row.message_ref ?? undefined,
});

/** Queues a message unless one with the same dedupe key exists; returns its id when queued. */
export function enqueue(
  db: Database,
  item: {
    platform: string;
    kind: OutboxKind;
    recipient: string;
    dedupeKey: string;
    payload: string;
    now: Date;
  },
): number | undefined {
  const result = db
    .prepare(
      `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .run(item.platform, item.kind, item.recipient, item.dedupeKey, item.payload, item.now.toISOString());
  return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
}

export function listOutbox(db: Database, status: OutboxStatus, platform?: string): OutboxItem[] {
  return (
    db
      .prepare("SELECT * FROM outbox WHERE status = ? AND (? IS NULL OR platform = ?) ORDER BY id")
      .all(status, platform ?? null, platform ?? null) as OutboxRow[]
  ).map(toItem);
}

export function getOutboxItem(db: Database, id: number): OutboxItem | undefined {
  const row = db.prepare("SELECT * FROM outbox WHERE id = ?").get(id) as OutboxRow | undefined;
  return row ? toItem(row) : undefined;
}

/** Moves an item between states; `from` guards against two senders taking the same item. */
export function setOutboxStatus(
  db: Database,
  id: number,
  from: OutboxStatus,
  to: OutboxStatus,
  extra: { error?: string; sentAt?: Date; messageRef?: string } = {},
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
        extra.messageRef ?? null,
        id,
        from,
      ).changes === 1
  );
}

/** Records which accounts (and rules) a sent message showed. */
export function recordMessageAccounts(
  db: Database,
  outboxId: number,
  accounts: readonly { source: string; accountId: string; rules: readonly string[] }[],
): void {
  const insert = db.prepare(
    "INSERT OR REPLACE INTO message_accounts (outbox_id, source, account_id, rules) VALUES (?, ?, ?, ?)",
  );
  for (const a of accounts) insert.run(outboxId, a.source, a.accountId, JSON.stringify(a.rules));
}

/** Replaces the stored view of a sent message (after a decision changed what it shows). */
export function setOutboxPayload(db: Database, id: number, payload: string): void {
  db.prepare("UPDATE outbox SET payload = ? WHERE id = ?").run(payload, id);
}
