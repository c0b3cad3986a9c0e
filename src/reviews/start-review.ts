import { ReviewError } from "../errors.js";
import type { ReviewCampaign, ReviewDefault } from "../store/reviews.js";
import type { Store } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";
import { reviewerOf } from "./review-owner.js";

/** `warden review start --days`: how long owners have, by default and at most. */
export const REVIEW_DAYS = { default: 14, min: 1, max: 90 } as const;

/** Accounts added per transaction: each a few ms, with the event loop free between them. */
const PAGE = 500;

const DAY = 86_400_000;

export interface StartReviewOptions {
  /** Only this source's accounts (a source name); undefined: every source's. */
  source?: string | undefined;
  days?: number | undefined;
  now: Date;
  /** "cli", "schedule", or who asked. */
  startedBy: string;
  defaultDecision: ReviewDefault;
}

export interface StartedReview {
  campaign: ReviewCampaign;
  accounts: number;
  /** Owners asked, and accounts nobody reachable owns (the admins assign them first). */
  owners: number;
  unowned: number;
}

/** Why a campaign cannot start: `open` covers (some of) the same accounts. */
export function reviewStillOpen(open: ReviewCampaign): ReviewError {
  return new ReviewError(
    "E_REVIEW_OPEN",
    `Access review #${open.id}${open.source ? ` of ${open.source}` : ""} is still open (due ${open.dueAt.toISOString().slice(0, 10)}): see \`warden review status\`. A new one starts once it is closed.`,
  );
}

/**
 * Opens an access review campaign over every active machine identity in each source's latest
 * scan, risky or not, each asked of its owner of record. Refused while a campaign covering the same
 * accounts is open. The accounts are added a page at a time in short transactions; the campaign
 * counts only once all are in (a start interrupted by a crash is discarded by the next one).
 */
export async function startReview(store: Store, options: StartReviewOptions): Promise<StartedReview> {
  const days = options.days ?? REVIEW_DAYS.default;
  if (!Number.isInteger(days) || days < REVIEW_DAYS.min || days > REVIEW_DAYS.max) {
    throw new ReviewError(
      "E_REVIEW_DAYS",
      `A review lasts from ${REVIEW_DAYS.min} to ${REVIEW_DAYS.max} days (--days), not ${String(options.days)}.`,
    );
  }
  await store.reviews.discardUnreadyCampaigns();
  const open = (await store.reviews.listReviewCampaigns({ open: true })).find(
    (c) => c.source === undefined || options.source === undefined || c.source === options.source,
  );
  if (open) throw reviewStillOpen(open);
  const scans = await store.scans.listLatestScans({ status: "succeeded" });
  const covered = scans.filter((s) => options.source === undefined || s.source === options.source);
  if (covered.length === 0) {
    throw new ReviewError(
      "E_REVIEW_NO_SCAN",
      options.source
        ? `There is no successful scan of ${options.source} to review: run \`warden scan\` first (sources scanned: ${scans.map((s) => s.source).join(", ") || "none"}).`
        : "There is no successful scan to review: run `warden scan` first.",
    );
  }
  const campaign = await store.reviews.openReviewCampaign({
    source: options.source,
    startedAt: options.now,
    dueAt: new Date(options.now.getTime() + days * DAY),
    startedBy: options.startedBy,
    defaultDecision: options.defaultDecision,
  });
  const assignments = await store.ownerOverrides.listOwnerAssignments();
  const owners = new Set<string>();
  let accounts = 0;
  let unowned = 0;
  let after: { source: string; id: string } | undefined;
  for (;;) {
    const page = await store.accounts.listLatestAccountsPage({ after, limit: PAGE });
    if (page.length === 0) break;
    const last = page.at(-1)?.identity;
    after = last && { source: last.source, id: last.id };
    const items = page
      .map((a) => a.identity)
      .filter((identity) => identity.active)
      .filter((identity) => options.source === undefined || identity.source === options.source)
      .map((identity) => {
        const ownerEmail = reviewerOf(identity, assignments.get(`${identity.source}:${identity.id}`));
        if (ownerEmail) owners.add(ownerEmail);
        else unowned += 1;
        return {
          source: identity.source,
          accountId: identity.id,
          userName: identity.userName,
          name: identity.name,
          ownerEmail,
        };
      });
    accounts += items.length;
    await store.transaction((tx) => tx.reviews.addReviewItems(campaign.id, items));
    await yieldToLoop();
  }
  await store.transaction(async (tx) => {
    await tx.reviews.markReviewCampaignReady(campaign.id, options.now);
    await tx.audit.appendAudit({
      at: options.now,
      event: "review.started",
      actor: options.startedBy,
      subject: `review:${campaign.id}`,
      detail: {
        source: options.source ?? null,
        dueAt: campaign.dueAt.toISOString(),
        accounts,
        owners: owners.size,
        unowned,
        defaultDecision: options.defaultDecision,
      },
    });
  });
  return { campaign, accounts, owners: owners.size, unowned };
}
