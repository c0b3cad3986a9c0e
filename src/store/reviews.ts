import type { Database } from "better-sqlite3";
import { decodeMessageRef, type MessageRef } from "../notify/message-ref.js";

/** Where an account of a campaign stands: asked, or answered by a decision. */
export type ReviewStatus = "pending" | "certified" | "disabled" | "reassigned";

/** REVIEW_DEFAULT: what happens to accounts nobody certified by the due date. */
export type ReviewDefault = "none" | "disable";

export interface ReviewCampaign {
  id: number;
  /** The one source it covers; undefined: every configured source. */
  source: string | undefined;
  startedAt: Date;
  dueAt: Date;
  /** "cli", "schedule", or who started it. */
  startedBy: string;
  defaultDecision: ReviewDefault;
  closedAt: Date | undefined;
}

/** One account a campaign asks about, and its answer once there is one. */
export interface ReviewItem {
  campaignId: number;
  source: string;
  accountId: string;
  userName: string;
  name: string;
  /** Who is asked: the owner of record (normalised email); undefined while nobody reachable owns it. */
  ownerEmail: string | undefined;
  /** The rules of its open findings when the campaign started, then when it was answered. */
  findings: string[];
  status: ReviewStatus;
  /** The decision that answered it (certify, disable, not_mine). */
  decisionId: number | undefined;
  /** Who answered: email, or chat user when no email is known. */
  reviewer: string | undefined;
  reason: string | undefined;
  decidedAt: Date | undefined;
  remindedAt: Date | undefined;
  warnedAt: Date | undefined;
  escalatedAt: Date | undefined;
}

export interface CampaignRow {
  id: number;
  source: string | null;
  started_at: string;
  due_at: string;
  started_by: string;
  default_decision: ReviewDefault;
  closed_at: string | null;
}

export interface ItemRow {
  campaign_id: number;
  source: string;
  account_id: string;
  user_name: string;
  name: string;
  owner_email: string | null;
  findings: string;
  status: ReviewStatus;
  decision_id: number | null;
  reviewer: string | null;
  reason: string | null;
  decided_at: string | null;
  reminded_at: string | null;
  warned_at: string | null;
  escalated_at: string | null;
}

const dateOf = (value: string | null) => (value === null ? undefined : new Date(value));

export const toCampaign = (row: CampaignRow): ReviewCampaign => ({
  id: row.id,
  source: row.source ?? undefined,
  startedAt: new Date(row.started_at),
  dueAt: new Date(row.due_at),
  startedBy: row.started_by,
  defaultDecision: row.default_decision,
  closedAt: dateOf(row.closed_at),
});

export const toItem = (row: ItemRow): ReviewItem => ({
  campaignId: row.campaign_id,
  source: row.source,
  accountId: row.account_id,
  userName: row.user_name,
  name: row.name,
  ownerEmail: row.owner_email ?? undefined,
  findings: JSON.parse(row.findings) as string[],
  status: row.status,
  decisionId: row.decision_id ?? undefined,
  reviewer: row.reviewer ?? undefined,
  reason: row.reason ?? undefined,
  decidedAt: dateOf(row.decided_at),
  remindedAt: dateOf(row.reminded_at),
  warnedAt: dateOf(row.warned_at),
  escalatedAt: dateOf(row.escalated_at),
});

/** The rules of the account's open findings, as review_items.findings holds them (findings_open index). */
const OPEN_RULES = `(SELECT json_group_array(rule) FROM (SELECT rule FROM findings
    WHERE source = review_items.source AND account_id = review_items.account_id AND resolved_at IS NULL
    ORDER BY rule))`;

/** Opens a campaign; its accounts are added with addReviewItems, in the same transaction. */
export function openReviewCampaign(
  db: Database,
  campaign: Omit<ReviewCampaign, "id" | "closedAt">,
): ReviewCampaign {
  const id = db
    .prepare(
      `INSERT INTO review_campaigns (source, started_at, due_at, started_by, default_decision)
       VALUES (?, ?, ?, ?, ?)`,
    )
    .run(
      campaign.source ?? null,
      campaign.startedAt.toISOString(),
      campaign.dueAt.toISOString(),
      campaign.startedBy,
      campaign.defaultDecision,
    ).lastInsertRowid as number;
  return { ...campaign, id, closedAt: undefined };
}

/** Adds accounts to campaign `campaignId`, each with the rules of its open findings now. */
export function addReviewItems(
  db: Database,
  campaignId: number,
  items: readonly {
    source: string;
    accountId: string;
    userName: string;
    name: string;
    ownerEmail: string | undefined;
  }[],
): void {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO review_items (campaign_id, source, account_id, user_name, name, owner_email, findings)
     VALUES (?, ?, ?, ?, ?, ?, (SELECT json_group_array(rule) FROM (SELECT rule FROM findings
       WHERE source = ? AND account_id = ? AND resolved_at IS NULL ORDER BY rule)))`,
  );
  for (const item of items) {
    insert.run(
      campaignId,
      item.source,
      item.accountId,
      item.userName,
      item.name,
      item.ownerEmail ?? null,
      item.source,
      item.accountId,
    );
  }
}

export function getReviewCampaign(db: Database, id: number): ReviewCampaign | undefined {
  const row = db.prepare("SELECT * FROM review_campaigns WHERE id = ? AND ready_at IS NOT NULL").get(id) as
    | CampaignRow
    | undefined;
  return row && toCampaign(row);
}

/** Campaigns that finished starting, newest first; `open`: only those not closed. */
export function listReviewCampaigns(
  db: Database,
  options: { open?: boolean; limit?: number } = {},
): ReviewCampaign[] {
  const rows = db
    .prepare(
      `SELECT * FROM review_campaigns WHERE ready_at IS NOT NULL ${options.open ? "AND closed_at IS NULL" : ""}
        ORDER BY id DESC LIMIT ?`,
    )
    .all(options.limit ?? -1) as CampaignRow[];
  return rows.map(toCampaign);
}

/** Every account of the campaign is added: it is shown, asked and counted from now on. */
export function markReviewCampaignReady(db: Database, id: number, at: Date): void {
  db.prepare("UPDATE review_campaigns SET ready_at = ? WHERE id = ?").run(at.toISOString(), id);
}

/** Removes campaigns a crash interrupted while they were starting (never shown to anyone). */
export function discardUnreadyCampaigns(db: Database): number {
  const ids = db.prepare("SELECT id FROM review_campaigns WHERE ready_at IS NULL").pluck().all() as number[];
  for (const id of ids) {
    db.prepare("DELETE FROM review_items WHERE campaign_id = ?").run(id);
    db.prepare("DELETE FROM review_campaigns WHERE id = ?").run(id);
  }
  return ids.length;
}

/** Closes a campaign: its accounts are no longer asked about, reminded or defaulted. */
export function closeReviewCampaign(db: Database, id: number, at: Date): void {
  db.prepare("UPDATE review_campaigns SET closed_at = ? WHERE id = ? AND closed_at IS NULL").run(
    at.toISOString(),
    id,
  );
}

/** What a decision means for a campaign's account: the actions that answer a review. */
export const STATUS_OF: Readonly<Record<string, ReviewStatus>> = {
  certify: "certified",
  disable: "disabled",
  not_mine: "reassigned",
};

/** A completed decision as the access reviews read it (decisions.ts reviewAnswerOf). */
export interface ReviewAnswer {
  id: number;
  source: string;
  accountId: string;
  action: string;
  reviewer: string;
  reason: string | undefined;
  decidedAt: Date;
  undoesDecisionId: number | undefined;
}

/**
 * Records a completed decision as the answer of every open campaign that asks about its account
 * (called in the transaction that completes the decision): Still needed certifies, Disable disables,
 * Not mine reassigns (the account waits for its new owner, who is asked in turn). An Undo of the
 * decision that answered puts the account back to pending. Returns how many items it answered.
 */
export function answerReviewItems(db: Database, decision: ReviewAnswer): number {
  if (decision.action === "undo" && decision.undoesDecisionId !== undefined) {
    return db
      .prepare(
        `UPDATE review_items SET status = 'pending', decision_id = NULL, reviewer = NULL, reason = NULL,
                decided_at = NULL
          WHERE source = ? AND account_id = ? AND decision_id = ?
            AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
      )
      .run(decision.source, decision.accountId, decision.undoesDecisionId).changes;
  }
  const status = STATUS_OF[decision.action];
  if (status === undefined) return 0;
  // A reassigned account is answered by its new owner's Still needed or Disable, not by another Not mine.
  const answerable = status === "reassigned" ? "('pending')" : "('pending', 'reassigned')";
  return db
    .prepare(
      `UPDATE review_items SET status = ?, decision_id = ?, reviewer = ?, reason = ?, decided_at = ?,
              findings = ${OPEN_RULES}
        WHERE source = ? AND account_id = ? AND status IN ${answerable}
          AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
    )
    .run(
      status,
      decision.id,
      decision.reviewer,
      decision.reason ?? null,
      decision.decidedAt.toISOString(),
      decision.source,
      decision.accountId,
    ).changes;
}

/** A page of a campaign's items in primary-key order, after `after` (keyset paging). */
export function listReviewItemsPage(
  db: Database,
  campaignId: number,
  page: { after?: { source: string; accountId: string } | undefined; limit: number },
): ReviewItem[] {
  const after = page.after ?? { source: "", accountId: "" };
  const rows = db
    .prepare(
      `SELECT * FROM review_items WHERE campaign_id = ? AND (source, account_id) > (?, ?)
        ORDER BY source, account_id LIMIT ?`,
    )
    .all(campaignId, after.source, after.accountId, page.limit) as ItemRow[];
  return rows.map(toItem);
}

/** The items of one campaign asked of `ownerEmail` (undefined: those nobody reachable owns). */
export function listOwnerReviewItems(
  db: Database,
  campaignId: number,
  ownerEmail: string | undefined,
): ReviewItem[] {
  const rows = (
    ownerEmail === undefined
      ? db
          .prepare(
            "SELECT * FROM review_items WHERE campaign_id = ? AND owner_email IS NULL ORDER BY user_name, source, account_id",
          )
          .all(campaignId)
      : db
          .prepare(
            "SELECT * FROM review_items WHERE campaign_id = ? AND owner_email = ? ORDER BY user_name, source, account_id",
          )
          .all(campaignId, ownerEmail)
  ) as ItemRow[];
  return rows.map(toItem);
}

/** The item of `campaignId` for one account. */
export function getReviewItem(
  db: Database,
  campaignId: number,
  source: string,
  accountId: string,
): ReviewItem | undefined {
  const row = db
    .prepare("SELECT * FROM review_items WHERE campaign_id = ? AND source = ? AND account_id = ?")
    .get(campaignId, source, accountId) as ItemRow | undefined;
  return row && toItem(row);
}

/**
 * Who is asked about the account now: a reassigned account goes back to pending with its new owner
 * (or to nobody, undefined, while the admins find one).
 */
export function setReviewItemOwner(
  db: Database,
  item: { campaignId: number; source: string; accountId: string },
  ownerEmail: string | undefined,
): void {
  db.prepare(
    `UPDATE review_items SET owner_email = ?,
            status = CASE status WHEN 'reassigned' THEN 'pending' ELSE status END,
            decision_id = CASE status WHEN 'reassigned' THEN NULL ELSE decision_id END,
            reminded_at = NULL, warned_at = NULL, escalated_at = NULL
      WHERE campaign_id = ? AND source = ? AND account_id = ?`,
  ).run(ownerEmail ?? null, item.campaignId, item.source, item.accountId);
}

/** Per owner (undefined: nobody reachable) and status, how many of the campaign's accounts (review_items_by_owner). */
export function countReviewItems(
  db: Database,
  campaignId: number,
): { ownerEmail: string | undefined; status: ReviewStatus; count: number }[] {
  const rows = db
    .prepare(
      `SELECT owner_email, status, count(*) AS n FROM review_items WHERE campaign_id = ?
        GROUP BY owner_email, status ORDER BY owner_email, status`,
    )
    .all(campaignId) as { owner_email: string | null; status: ReviewStatus; n: number }[];
  return rows.map((r) => ({ ownerEmail: r.owner_email ?? undefined, status: r.status, count: r.n }));
}

/** A follow-up of the campaign was sent for these of an owner's accounts. */
export function markReviewFollowUp(
  db: Database,
  item: { campaignId: number; source: string; accountId: string },
  stage: "reminded" | "warned" | "escalated",
  at: Date,
): void {
  const column = { reminded: "reminded_at", warned: "warned_at", escalated: "escalated_at" }[stage];
  db.prepare(
    `UPDATE review_items SET ${column} = ? WHERE campaign_id = ? AND source = ? AND account_id = ?`,
  ).run(at.toISOString(), item.campaignId, item.source, item.accountId);
}

/** The account's latest certification in any campaign: who, when, why (review_items_by_account). */
export function latestCertification(
  db: Database,
  source: string,
  accountId: string,
): { campaignId: number; reviewer: string; reason: string; at: Date } | undefined {
  const row = db
    .prepare(
      `SELECT campaign_id, reviewer, reason, decided_at FROM review_items
        WHERE source = ? AND account_id = ? AND status = 'certified' AND decided_at IS NOT NULL
        ORDER BY decided_at DESC LIMIT 1`,
    )
    .get(source, accountId) as
    | { campaign_id: number; reviewer: string | null; reason: string | null; decided_at: string }
    | undefined;
  return (
    row && {
      campaignId: row.campaign_id,
      reviewer: row.reviewer ?? "",
      reason: row.reason ?? "",
      at: new Date(row.decided_at),
    }
  );
}

/**
 * The campaign's pending accounts `recipient` was not asked about yet on `platform`: an owner's
 * (`ownerEmail`), or with `ownerEmail` undefined those nobody reachable owns, asked of the admin
 * channel `recipient`. On review_items_by_owner, then the asking messages' message_accounts rows.
 */
export function listUnaskedReviewItems(
  db: Database,
  query: { campaignId: number; platform: string; recipient: string; ownerEmail: string | undefined },
): ReviewItem[] {
  const owner = query.ownerEmail === undefined ? "i.owner_email IS NULL" : "i.owner_email = @ownerEmail";
  const rows = db
    .prepare(
      `SELECT i.* FROM review_items i
        WHERE i.campaign_id = @campaignId AND ${owner} AND i.status = 'pending'
          AND NOT EXISTS (SELECT 1 FROM review_messages r
                JOIN message_accounts m ON m.outbox_id = r.outbox_id
               WHERE r.campaign_id = i.campaign_id AND r.platform = @platform AND r.recipient = @recipient
                 AND m.source = i.source AND m.account_id = i.account_id)
        ORDER BY i.user_name, i.source, i.account_id`,
    )
    .all({
      campaignId: query.campaignId,
      platform: query.platform,
      recipient: query.recipient,
      ...(query.ownerEmail === undefined ? {} : { ownerEmail: query.ownerEmail }),
    }) as ItemRow[];
  return rows.map(toItem);
}

/** The owners with pending accounts in the campaign (review_items_by_owner). */
export function listPendingReviewOwners(db: Database, campaignId: number): string[] {
  return db
    .prepare(
      `SELECT DISTINCT owner_email FROM review_items
        WHERE campaign_id = ? AND status = 'pending' AND owner_email IS NOT NULL ORDER BY owner_email`,
    )
    .pluck()
    .all(campaignId) as string[];
}

/** Message `outboxId` asks `recipient` about campaign accounts on `platform` (they are its message_accounts). */
export function recordReviewMessage(
  db: Database,
  message: { campaignId: number; platform: string; recipient: string; outboxId: number },
): void {
  db.prepare(
    "INSERT OR IGNORE INTO review_messages (campaign_id, platform, recipient, outbox_id) VALUES (?, ?, ?, ?)",
  ).run(message.campaignId, message.platform, message.recipient, message.outboxId);
}

/** The messages of the campaign sent to `recipient` on `platform`, oldest first (for follow-ups). */
export function listReviewMessages(
  db: Database,
  query: { campaignId: number; platform: string; recipient: string },
): number[] {
  return db
    .prepare(
      "SELECT outbox_id FROM review_messages WHERE campaign_id = ? AND platform = ? AND recipient = ? ORDER BY outbox_id",
    )
    .pluck()
    .all(query.campaignId, query.platform, query.recipient) as number[];
}

/** A review message that reached its recipient: where it landed, to reply under it. */
export interface SentReviewMessage {
  outboxId: number;
  platform: string;
  sentAt: Date;
  ref: MessageRef;
}

/**
 * The campaign's review messages sent to `recipient` (any platform), oldest first: the follow-ups
 * reply under the first one of each platform. On review_messages' key, then the outbox's.
 */
export function listSentReviewMessages(
  db: Database,
  campaignId: number,
  recipient: string,
): SentReviewMessage[] {
  const rows = db
    .prepare(
      `SELECT o.id, o.platform, o.sent_at, o.message_ref FROM review_messages r
         JOIN outbox o ON o.id = r.outbox_id
        WHERE r.campaign_id = ? AND r.recipient = ? AND o.kind = 'review_request' AND o.status = 'sent'
          AND o.sent_at IS NOT NULL AND o.message_ref IS NOT NULL
        ORDER BY o.id`,
    )
    .all(campaignId, recipient) as SentReviewMessageRow[];
  return toSentReviewMessages(rows);
}

/** A review_messages row joined with its sent outbox row. */
export interface SentReviewMessageRow {
  id: number;
  platform: string;
  sent_at: string;
  message_ref: string;
}

/** The sent messages whose reference reads back (listSentReviewMessages). */
export function toSentReviewMessages(rows: readonly SentReviewMessageRow[]): SentReviewMessage[] {
  const sent: SentReviewMessage[] = [];
  for (const row of rows) {
    try {
      const ref = decodeMessageRef(row.platform, JSON.parse(row.message_ref));
      sent.push({ outboxId: row.id, platform: row.platform, sentAt: new Date(row.sent_at), ref });
    } catch {
      // An unreadable reference: nothing to reply under on that message.
    }
  }
  return sent;
}

/** One account of a campaign's report: its item with the decision that answered it. */
export interface ReviewReportRow extends ReviewItem {
  /** The answering decision's outcome ("applied", "dry_run", "ticketed", …) and ticket, if any. */
  outcome: string | undefined;
  ticket: string | undefined;
}

/** A page of the campaign's report rows in primary-key order (keyset paging, as listReviewItemsPage). */
export function listReviewReportPage(
  db: Database,
  campaignId: number,
  page: { after?: { source: string; accountId: string } | undefined; limit: number },
): ReviewReportRow[] {
  const after = page.after ?? { source: "", accountId: "" };
  const rows = db
    .prepare(
      `SELECT i.*, d.outcome AS outcome, t.number AS ticket FROM review_items i
         LEFT JOIN decisions d ON d.id = i.decision_id
         LEFT JOIN decision_tickets t ON t.decision_id = i.decision_id
        WHERE i.campaign_id = ? AND (i.source, i.account_id) > (?, ?)
        ORDER BY i.source, i.account_id LIMIT ?`,
    )
    .all(campaignId, after.source, after.accountId, page.limit) as ReviewReportDbRow[];
  return rows.map(toReviewReportRow);
}

/** A review_items row with its answering decision's outcome and ticket number. */
export type ReviewReportDbRow = ItemRow & { outcome: string | null; ticket: string | null };

export const toReviewReportRow = (row: ReviewReportDbRow): ReviewReportRow => ({
  ...toItem(row),
  outcome: row.outcome ?? undefined,
  ticket: row.ticket ?? undefined,
});
