import { createHash } from "node:crypto";
import { buildAccountView } from "../messages/build-account-view.js";
import type { OwnerAccountView } from "../messages/build-owner-messages.js";
import type { ReviewCampaignRef, ReviewMessageView } from "../messages/review-message-view.js";
import { compactUnlistedAccounts } from "../notify/compact-unlisted-accounts.js";
import type { ReviewCampaign, ReviewItem } from "../store/reviews.js";
import type { Repositories, Store } from "../store/store.js";
import { createPacer, yieldToLoop } from "../yield-to-loop.js";
import { reviewerOf } from "./review-owner.js";

/** Owners handled per transaction, as owner messages are (enqueue-owner-messages.ts). */
const OWNERS_PER_BATCH = 100;

/** The buttons of an account in a review: Still needed…, Disable (while it is active), Not mine. */
export function reviewActions(account: Pick<OwnerAccountView, "active">): OwnerAccountView["actions"] {
  return account.active ? ["certify", "disable", "not_mine"] : ["certify", "not_mine"];
}

export const campaignRef = (campaign: ReviewCampaign): ReviewCampaignRef => ({
  id: campaign.id,
  startedAt: campaign.startedAt,
  dueAt: campaign.dueAt,
  defaultDecision: campaign.defaultDecision,
  ...(campaign.source ? { source: campaign.source } : {}),
});

const contentKey = (items: readonly ReviewItem[]) =>
  createHash("sha256")
    .update(
      items
        .map((i) => `${i.source}:${i.accountId}`)
        .sort()
        .join("\n"),
    )
    .digest("hex")
    .slice(0, 32);

/**
 * An account as a review message shows it: its current state and findings (for context: risky or
 * not, it is asked about), its campaign, its buttons, and its latest certification.
 */
export async function reviewAccountView(
  store: Pick<Repositories, "accounts" | "findings" | "settings" | "reviews">,
  campaign: ReviewCampaign,
  item: Pick<ReviewItem, "source" | "accountId">,
  ticketMode: boolean,
): Promise<OwnerAccountView | undefined> {
  const view = await buildAccountView(store, item.source, item.accountId);
  if (!view) return undefined;
  view.campaignId = campaign.id;
  view.actions = reviewActions(view);
  if (ticketMode) view.ticketMode = true;
  const last = await store.reviews.latestCertification(item.source, item.accountId);
  if (last && last.campaignId !== campaign.id)
    view.certified = { by: last.reviewer, at: last.at, reason: last.reason };
  return view;
}

/**
 * Queues what each open campaign still has to ask on `platform`: one message per owner listing
 * their accounts not yet asked there (at a campaign's start: all of them; later: accounts assigned
 * to them since), and one admin-channel list of the accounts nobody reachable owns, for
 * assignment. An account that was reassigned (Not mine, then an admin assigned someone) is asked
 * of its new owner. The dedupe key makes a run again after a crash queue nothing twice.
 */
export async function enqueueReviewMessages(
  store: Store,
  options: {
    platform: string;
    adminChannel: string | undefined;
    now: Date;
    ticketMode?: boolean | undefined;
  },
): Promise<{ owners: number; unowned: number }> {
  const { platform, now } = options;
  const ticketMode = options.ticketMode === true;
  let owners = 0;
  let unowned = 0;
  for (const campaign of await store.reviews.listReviewCampaigns({ open: true })) {
    await followAssignments(store, campaign);
    const recipients = await store.reviews.listPendingReviewOwners(campaign.id);
    for (let from = 0; from < recipients.length; from += OWNERS_PER_BATCH) {
      if (from > 0) await yieldToLoop();
      owners += await store.transaction(async (tx) => {
        let queued = 0;
        const pace = createPacer();
        for (const recipient of recipients.slice(from, from + OWNERS_PER_BATCH)) {
          await pace();
          const items = await tx.reviews.listUnaskedReviewItems({
            campaignId: campaign.id,
            platform,
            recipient,
            ownerEmail: recipient,
          });
          if (items.length === 0) continue;
          const accounts = await viewsOf(tx, campaign, items, ticketMode);
          if (accounts.length === 0) continue;
          const stored = await tx.accounts.findAccount(items[0]?.source ?? "", items[0]?.accountId ?? "");
          const assignment = await tx.ownerOverrides.getOwnerAssignment(
            items[0]?.source ?? "",
            items[0]?.accountId ?? "",
          );
          const owner = stored?.identity.owner;
          const name =
            assignment?.ownerName ??
            (owner && owner.email?.toLowerCase() === recipient ? owner.name : undefined);
          const view: ReviewMessageView = {
            campaign: campaignRef(campaign),
            owner: {
              email: recipient,
              name: name?.trim() || recipient,
              ...(owner?.directoryId ? { directoryId: owner.directoryId } : {}),
            },
            accounts,
          };
          const id = await tx.outbox.enqueue({
            platform,
            recipient,
            dedupeKey: `${platform}:review:${campaign.id}:${recipient}:${contentKey(items)}`,
            message: { kind: "review_request", view },
            now,
          });
          if (id === undefined) continue;
          await asked(tx, campaign, id, recipient, accounts);
          queued += 1;
        }
        return queued;
      });
    }
    if (options.adminChannel) {
      const adminChannel = options.adminChannel;
      unowned += await store.transaction(async (tx) => {
        const items = await tx.reviews.listUnaskedReviewItems({
          campaignId: campaign.id,
          platform,
          recipient: adminChannel,
          ownerEmail: undefined,
        });
        if (items.length === 0) return 0;
        // The admins assign an owner (the assign control); the next run asks that owner.
        const accounts = await viewsOf(tx, campaign, items, ticketMode, false);
        const id = await tx.outbox.enqueue({
          platform,
          recipient: adminChannel,
          dedupeKey: `${platform}:review-unowned:${campaign.id}:${adminChannel}:${contentKey(items)}`,
          message: {
            kind: "unowned",
            view: { accounts: compactUnlistedAccounts(accounts), review: campaignRef(campaign) },
          },
          now,
        });
        if (id === undefined) return 0;
        await asked(tx, campaign, id, adminChannel, accounts);
        return items.length;
      });
    }
  }
  return { owners, unowned };

  async function asked(
    tx: Pick<Repositories, "outbox" | "reviews">,
    campaign: ReviewCampaign,
    outboxId: number,
    recipient: string,
    accounts: readonly OwnerAccountView[],
  ): Promise<void> {
    // Recorded at once (not at delivery): the next run must not ask again while this one waits.
    await tx.outbox.recordMessageAccounts(
      outboxId,
      accounts.map((a) => ({
        source: a.source,
        accountId: a.accountId,
        rules: a.findings.map((f) => f.rule),
      })),
    );
    await tx.reviews.recordReviewMessage({ campaignId: campaign.id, platform, recipient, outboxId });
  }
}

async function viewsOf(
  tx: Pick<Repositories, "accounts" | "findings" | "settings" | "reviews">,
  campaign: ReviewCampaign,
  items: readonly ReviewItem[],
  ticketMode: boolean,
  withButtons = true,
): Promise<OwnerAccountView[]> {
  const accounts: OwnerAccountView[] = [];
  const pace = createPacer();
  for (const item of items) {
    await pace();
    const view = await reviewAccountView(tx, campaign, item, ticketMode);
    if (!view) continue;
    // The admin channel's list assigns an owner first; its buttons are the assign control.
    if (!withButtons) {
      delete view.campaignId;
      view.actions = [];
    }
    accounts.push(view);
  }
  return accounts;
}

/**
 * Accounts an admin assigned to someone since the campaign started (after a Not mine, or nobody
 * reachable owned them): asked of the assigned owner now. Assignments are few (one per admin click).
 */
async function followAssignments(store: Store, campaign: ReviewCampaign): Promise<void> {
  const assignments = await store.ownerOverrides.listOwnerAssignments();
  for (const [key, assignment] of assignments) {
    const [source = "", ...rest] = key.split(":");
    const accountId = rest.join(":");
    const item = await store.reviews.getReviewItem(campaign.id, source, accountId);
    if (!item || (item.status !== "pending" && item.status !== "reassigned")) continue;
    const owner = reviewerOf({ owner: undefined }, assignment);
    if (owner === undefined || owner === item.ownerEmail) continue;
    await store.reviews.setReviewItemOwner(item, owner);
  }
}
