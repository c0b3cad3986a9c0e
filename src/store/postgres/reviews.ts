import { reviewStillOpen } from "../../reviews/start-review.js";
import {
  type CampaignRow,
  type ItemRow,
  type ReviewAnswer,
  type ReviewCampaign,
  type ReviewItem,
  type ReviewReportDbRow,
  type ReviewReportRow,
  type ReviewStatus,
  type SentReviewMessage,
  type SentReviewMessageRow,
  STATUS_OF,
  toCampaign,
  toItem,
  toReviewReportRow,
  toSentReviewMessages,
} from "../reviews.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * The advisory lock ("review") a campaign start holds while it checks for an open campaign and
 * records its own, until its transaction ends:
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
const REVIEW_OPEN_LOCK = 0x726576696577;

/**
 * The rules of an account's open findings as a JSON array, sorted byte-wise as SQLite's
 * json_group_array over ORDER BY rule (COLLATE "C": whatever the database's collation).
 * `$source`/`$account` are SQL expressions naming the account.
 */
const openRules = (source: string, account: string) =>
  `(SELECT coalesce(json_agg(f.rule ORDER BY f.rule COLLATE "C")::text, '[]') FROM findings f
     WHERE f.source = ${source} AND f.account_id = ${account} AND f.resolved_at IS NULL)`;

/**
 * src/store/reviews.ts openReviewCampaign. Checked and recorded under a transaction-scoped advisory
 * lock: two replicas starting at once (the same REVIEW_SCHEDULE slot) would otherwise both find no
 * open campaign in READ COMMITTED and both open one; here the second waits, then sees the first
 * (ready or still being filled) and is refused with E_REVIEW_OPEN, as startReview refuses.
 * SQLite's version does not check: startReview checks just before, in the same process.
 */
export async function openReviewCampaign(
  db: PgDb,
  campaign: Omit<ReviewCampaign, "id" | "closedAt">,
): Promise<ReviewCampaign> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [REVIEW_OPEN_LOCK]);
    const [open] = await tx.query<CampaignRow>(
      `SELECT * FROM review_campaigns
        WHERE closed_at IS NULL AND (source IS NULL OR $1::text IS NULL OR source = $1::text)
        ORDER BY id DESC LIMIT 1`,
      [campaign.source ?? null],
    );
    if (open) throw reviewStillOpen(toCampaign(open));
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO review_campaigns (source, started_at, due_at, started_by, default_decision)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        campaign.source ?? null,
        campaign.startedAt.toISOString(),
        campaign.dueAt.toISOString(),
        campaign.startedBy,
        campaign.defaultDecision,
      ],
    );
    return { ...campaign, id: Number(row?.id), closedAt: undefined };
  });
}

/**
 * src/store/reviews.ts addReviewItems: one INSERT for the page (unnest of one array per column, in
 * the given order, so that of two items for one account the first is kept, as INSERT OR IGNORE does).
 */
export async function addReviewItems(
  db: PgDb,
  campaignId: number,
  items: readonly {
    source: string;
    accountId: string;
    userName: string;
    name: string;
    ownerEmail: string | undefined;
  }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.execute(
    `INSERT INTO review_items (campaign_id, source, account_id, user_name, name, owner_email, findings)
     SELECT $1, i.source, i.account_id, i.user_name, i.name, i.owner_email, ${openRules("i.source", "i.account_id")}
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            WITH ORDINALITY AS i (source, account_id, user_name, name, owner_email, n)
      ORDER BY i.n
     ON CONFLICT DO NOTHING`,
    [
      campaignId,
      items.map((i) => i.source),
      items.map((i) => i.accountId),
      items.map((i) => i.userName),
      items.map((i) => i.name),
      items.map((i) => i.ownerEmail ?? null),
    ],
  );
}

/** src/store/reviews.ts getReviewCampaign. */
export async function getReviewCampaign(db: PgDb, id: number): Promise<ReviewCampaign | undefined> {
  const [row] = await db.query<CampaignRow>(
    "SELECT * FROM review_campaigns WHERE id = $1 AND ready_at IS NOT NULL",
    [id],
  );
  return row && toCampaign(row);
}

/** src/store/reviews.ts listReviewCampaigns (LIMIT NULL: no limit, as SQLite's LIMIT -1). */
export async function listReviewCampaigns(
  db: PgDb,
  options: { open?: boolean; limit?: number } = {},
): Promise<ReviewCampaign[]> {
  const rows = await db.query<CampaignRow>(
    `SELECT * FROM review_campaigns WHERE ready_at IS NOT NULL ${options.open ? "AND closed_at IS NULL" : ""}
      ORDER BY id DESC LIMIT $1`,
    [options.limit ?? null],
  );
  return rows.map(toCampaign);
}

/** src/store/reviews.ts markReviewCampaignReady. */
export async function markReviewCampaignReady(db: PgDb, id: number, at: Date): Promise<void> {
  await db.execute("UPDATE review_campaigns SET ready_at = $1 WHERE id = $2", [at.toISOString(), id]);
}

/** src/store/reviews.ts discardUnreadyCampaigns: the campaigns and their items go together. */
export async function discardUnreadyCampaigns(db: PgDb): Promise<number> {
  return db.transaction(async (tx) => {
    const ids = (
      await tx.query<{ id: number }>("DELETE FROM review_campaigns WHERE ready_at IS NULL RETURNING id")
    ).map((r) => r.id);
    if (ids.length > 0) {
      await tx.execute("DELETE FROM review_items WHERE campaign_id = ANY($1::bigint[])", [ids]);
    }
    return ids.length;
  });
}

/** src/store/reviews.ts closeReviewCampaign. */
export async function closeReviewCampaign(db: PgDb, id: number, at: Date): Promise<void> {
  await db.execute("UPDATE review_campaigns SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL", [
    at.toISOString(),
    id,
  ]);
}

/**
 * src/store/reviews.ts answerReviewItems. First answer wins, as under SQLite's write lock: each UPDATE
 * names the statuses it may answer, and in READ COMMITTED an UPDATE that waited for a concurrent one
 * on the same row re-checks its WHERE on the row as committed, so it skips an item just answered
 * (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED).
 */
export async function answerReviewItems(db: PgDb, decision: ReviewAnswer): Promise<number> {
  if (decision.action === "undo" && decision.undoesDecisionId !== undefined) {
    return db.execute(
      `UPDATE review_items SET status = 'pending', decision_id = NULL, reviewer = NULL, reason = NULL,
              decided_at = NULL
        WHERE source = $1 AND account_id = $2 AND decision_id = $3
          AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
      [decision.source, decision.accountId, decision.undoesDecisionId],
    );
  }
  const status = STATUS_OF[decision.action];
  if (status === undefined) return 0;
  // A reassigned account is answered by its new owner's Still needed or Disable, not by another Not mine.
  const answerable: ReviewStatus[] = status === "reassigned" ? ["pending"] : ["pending", "reassigned"];
  return db.execute(
    `UPDATE review_items SET status = $1, decision_id = $2, reviewer = $3, reason = $4, decided_at = $5,
            findings = ${openRules("review_items.source", "review_items.account_id")}
      WHERE source = $6 AND account_id = $7 AND status = ANY($8::text[])
        AND campaign_id IN (SELECT id FROM review_campaigns WHERE closed_at IS NULL)`,
    [
      status,
      decision.id,
      decision.reviewer,
      decision.reason ?? null,
      decision.decidedAt.toISOString(),
      decision.source,
      decision.accountId,
      answerable,
    ],
  );
}

/** src/store/reviews.ts listReviewItemsPage (keyset paging on the primary key). */
export async function listReviewItemsPage(
  db: PgDb,
  campaignId: number,
  page: { after?: { source: string; accountId: string } | undefined; limit: number },
): Promise<ReviewItem[]> {
  const after = page.after ?? { source: "", accountId: "" };
  const rows = await db.query<ItemRow>(
    `SELECT * FROM review_items WHERE campaign_id = $1 AND (source, account_id) > ($2, $3)
      ORDER BY source, account_id LIMIT $4`,
    [campaignId, after.source, after.accountId, page.limit],
  );
  return rows.map(toItem);
}

/** src/store/reviews.ts listOwnerReviewItems (byte-wise order, as SQLite's). */
export async function listOwnerReviewItems(
  db: PgDb,
  campaignId: number,
  ownerEmail: string | undefined,
): Promise<ReviewItem[]> {
  const order = `ORDER BY user_name COLLATE "C", source COLLATE "C", account_id COLLATE "C"`;
  const rows =
    ownerEmail === undefined
      ? await db.query<ItemRow>(
          `SELECT * FROM review_items WHERE campaign_id = $1 AND owner_email IS NULL ${order}`,
          [campaignId],
        )
      : await db.query<ItemRow>(
          `SELECT * FROM review_items WHERE campaign_id = $1 AND owner_email = $2 ${order}`,
          [campaignId, ownerEmail],
        );
  return rows.map(toItem);
}

/** src/store/reviews.ts getReviewItem. */
export async function getReviewItem(
  db: PgDb,
  campaignId: number,
  source: string,
  accountId: string,
): Promise<ReviewItem | undefined> {
  const [row] = await db.query<ItemRow>(
    "SELECT * FROM review_items WHERE campaign_id = $1 AND source = $2 AND account_id = $3",
    [campaignId, source, accountId],
  );
  return row && toItem(row);
}

/** src/store/reviews.ts setReviewItemOwner. */
export async function setReviewItemOwner(
  db: PgDb,
  item: { campaignId: number; source: string; accountId: string },
  ownerEmail: string | undefined,
): Promise<void> {
  await db.execute(
    `UPDATE review_items SET owner_email = $1,
            status = CASE status WHEN 'reassigned' THEN 'pending' ELSE status END,
            decision_id = CASE status WHEN 'reassigned' THEN NULL ELSE decision_id END,
            reminded_at = NULL, warned_at = NULL, escalated_at = NULL
      WHERE campaign_id = $2 AND source = $3 AND account_id = $4`,
    [ownerEmail ?? null, item.campaignId, item.source, item.accountId],
  );
}

/**
 * src/store/reviews.ts countReviewItems. Nobody's accounts (NULL owner) come first, as in SQLite,
 * where PostgreSQL would sort NULL last.
 */
export async function countReviewItems(
  db: PgDb,
  campaignId: number,
): Promise<{ ownerEmail: string | undefined; status: ReviewStatus; count: number }[]> {
  const rows = await db.query<{ owner_email: string | null; status: ReviewStatus; n: number }>(
    `SELECT owner_email, status, count(*) AS n FROM review_items WHERE campaign_id = $1
      GROUP BY owner_email, status ORDER BY owner_email COLLATE "C" NULLS FIRST, status COLLATE "C"`,
    [campaignId],
  );
  return rows.map((r) => ({ ownerEmail: r.owner_email ?? undefined, status: r.status, count: r.n }));
}

/** src/store/reviews.ts markReviewFollowUp. */
export async function markReviewFollowUp(
  db: PgDb,
  item: { campaignId: number; source: string; accountId: string },
  stage: "reminded" | "warned" | "escalated",
  at: Date,
): Promise<void> {
  const column = { reminded: "reminded_at", warned: "warned_at", escalated: "escalated_at" }[stage];
  await db.execute(
    `UPDATE review_items SET ${column} = $1 WHERE campaign_id = $2 AND source = $3 AND account_id = $4`,
    [at.toISOString(), item.campaignId, item.source, item.accountId],
  );
}

/** src/store/reviews.ts latestCertification. */
export async function latestCertification(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<{ campaignId: number; reviewer: string; reason: string; at: Date } | undefined> {
  const [row] = await db.query<{
    campaign_id: number;
    reviewer: string | null;
    reason: string | null;
    decided_at: string;
  }>(
    `SELECT campaign_id, reviewer, reason, decided_at FROM review_items
      WHERE source = $1 AND account_id = $2 AND status = 'certified' AND decided_at IS NOT NULL
      ORDER BY decided_at DESC LIMIT 1`,
    [source, accountId],
  );
  return (
    row && {
      campaignId: row.campaign_id,
      reviewer: row.reviewer ?? "",
      reason: row.reason ?? "",
      at: new Date(row.decided_at),
    }
  );
}

/** src/store/reviews.ts listUnaskedReviewItems. */
export async function listUnaskedReviewItems(
  db: PgDb,
  query: { campaignId: number; platform: string; recipient: string; ownerEmail: string | undefined },
): Promise<ReviewItem[]> {
  const owner = query.ownerEmail === undefined ? "i.owner_email IS NULL" : "i.owner_email = $4";
  const rows = await db.query<ItemRow>(
    `SELECT i.* FROM review_items i
      WHERE i.campaign_id = $1 AND ${owner} AND i.status = 'pending'
        AND NOT EXISTS (SELECT 1 FROM review_messages r
              JOIN message_accounts m ON m.outbox_id = r.outbox_id
             WHERE r.campaign_id = i.campaign_id AND r.platform = $2 AND r.recipient = $3
               AND m.source = i.source AND m.account_id = i.account_id)
      ORDER BY i.user_name COLLATE "C", i.source COLLATE "C", i.account_id COLLATE "C"`,
    [
      query.campaignId,
      query.platform,
      query.recipient,
      ...(query.ownerEmail === undefined ? [] : [query.ownerEmail]),
    ],
  );
  return rows.map(toItem);
}

/** src/store/reviews.ts listPendingReviewOwners. */
export async function listPendingReviewOwners(db: PgDb, campaignId: number): Promise<string[]> {
  const rows = await db.query<{ owner_email: string }>(
    `SELECT owner_email FROM review_items
      WHERE campaign_id = $1 AND status = 'pending' AND owner_email IS NOT NULL
      GROUP BY owner_email ORDER BY owner_email COLLATE "C"`,
    [campaignId],
  );
  return rows.map((r) => r.owner_email);
}

/** src/store/reviews.ts recordReviewMessage. */
export async function recordReviewMessage(
  db: PgDb,
  message: { campaignId: number; platform: string; recipient: string; outboxId: number },
): Promise<void> {
  await db.execute(
    `INSERT INTO review_messages (campaign_id, platform, recipient, outbox_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [message.campaignId, message.platform, message.recipient, message.outboxId],
  );
}

/** src/store/reviews.ts listReviewMessages. */
export async function listReviewMessages(
  db: PgDb,
  query: { campaignId: number; platform: string; recipient: string },
): Promise<number[]> {
  const rows = await db.query<{ outbox_id: number }>(
    `SELECT outbox_id FROM review_messages WHERE campaign_id = $1 AND platform = $2 AND recipient = $3
      ORDER BY outbox_id`,
    [query.campaignId, query.platform, query.recipient],
  );
  return rows.map((r) => r.outbox_id);
}

/** src/store/reviews.ts listSentReviewMessages. */
export async function listSentReviewMessages(
  db: PgDb,
  campaignId: number,
  recipient: string,
): Promise<SentReviewMessage[]> {
  const rows = await db.query<SentReviewMessageRow>(
    `SELECT o.id, o.platform, o.sent_at, o.message_ref FROM review_messages r
       JOIN outbox o ON o.id = r.outbox_id
      WHERE r.campaign_id = $1 AND r.recipient = $2 AND o.kind = 'review_request' AND o.status = 'sent'
        AND o.sent_at IS NOT NULL AND o.message_ref IS NOT NULL
      ORDER BY o.id`,
    [campaignId, recipient],
  );
  return toSentReviewMessages(rows);
}

/** src/store/reviews.ts listReviewReportPage (keyset paging, as listReviewItemsPage). */
export async function listReviewReportPage(
  db: PgDb,
  campaignId: number,
  page: { after?: { source: string; accountId: string } | undefined; limit: number },
): Promise<ReviewReportRow[]> {
  const after = page.after ?? { source: "", accountId: "" };
  const rows = await db.query<ReviewReportDbRow>(
    `SELECT i.*, d.outcome AS outcome, t.number AS ticket FROM review_items i
       LEFT JOIN decisions d ON d.id = i.decision_id
       LEFT JOIN decision_tickets t ON t.decision_id = i.decision_id
      WHERE i.campaign_id = $1 AND (i.source, i.account_id) > ($2, $3)
      ORDER BY i.source, i.account_id LIMIT $4`,
    [campaignId, after.source, after.accountId, page.limit],
  );
  return rows.map(toReviewReportRow);
}

/** The reviews repository of the PostgreSQL store. */
export const REVIEWS_PG = {
  openReviewCampaign,
  addReviewItems,
  markReviewCampaignReady,
  discardUnreadyCampaigns,
  getReviewCampaign,
  listReviewCampaigns,
  closeReviewCampaign,
  answerReviewItems,
  listReviewItemsPage,
  listOwnerReviewItems,
  getReviewItem,
  setReviewItemOwner,
  countReviewItems,
  markReviewFollowUp,
  latestCertification,
  listUnaskedReviewItems,
  listPendingReviewOwners,
  recordReviewMessage,
  listReviewMessages,
  listSentReviewMessages,
  listReviewReportPage,
} satisfies Partial<PostgresQueries["reviews"]>;
