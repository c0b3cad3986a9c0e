import { createHash } from "node:crypto";
import type { WardenMode } from "../config/load-config.js";
import {
  REVIEW_FOLLOW_UP_LISTED,
  type ReviewFollowUpOwner,
  type ReviewFollowUpStage,
  type ReviewFollowUpView,
} from "../messages/review-follow-up-view.js";
import type { ReviewCampaign, ReviewItem, SentReviewMessage } from "../store/reviews.js";
import type { Repositories, Store } from "../store/store.js";
import { createPacer, yieldToLoop } from "../yield-to-loop.js";
import { campaignRef } from "./enqueue-review-messages.js";

const DAY = 86_400_000;

/**
 * The pass runs once a day at a fixed hour (08:00), and review messages go out at another (a
 * campaign's start): a reminder due a few hours after today's pass is sent in it, not a day late.
 */
const PASS_TOLERANCE_MS = 12 * 3_600_000;

/**
 * REVIEW_DEFAULT=disable: the owner is warned at the first daily pass less than this long before
 * the due date, so the next pass (a day later) would leave less than two days: the warning leaves
 * at least two (unless the campaign is shorter than that).
 */
export const WARNING_LEAD_MS = 3 * DAY;

/** Owners handled per transaction, with the event loop served between them. */
const OWNERS_PER_BATCH = 50;

export interface ReviewFollowUpOptions {
  now: Date;
  /** Admin channel per platform: the platforms whose review messages are followed up, and where escalations go. */
  adminChannels: Readonly<Record<string, string | undefined>>;
  /** REVIEW_REMINDER_DAYS: an owner with accounts left is reminded this often. */
  reminderDays: number;
  /** WARDEN_MODE: how the default's disables are made (the escalation says it). */
  mode?: WardenMode | undefined;
}

export interface ReviewFollowUpCounts {
  reminders: number;
  warnings: number;
  escalations: number;
}

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

const listed = (items: readonly ReviewItem[]) =>
  items.slice(0, REVIEW_FOLLOW_UP_LISTED).map((i) => ({
    source: i.source,
    accountId: i.accountId,
    userName: i.userName,
    name: i.name,
  }));

const pendingOf = async (tx: Pick<Repositories, "reviews">, campaignId: number, owner: string | undefined) =>
  (await tx.reviews.listOwnerReviewItems(campaignId, owner)).filter((i) => i.status === "pending");

/**
 * Chases one open campaign's owners who have accounts left, in the conversation of their review
 * message: before the due date a reminder every `reminderDays` since their review message (or
 * their last reminder), and with REVIEW_DEFAULT=disable one warning two days before the due date
 * naming what will be disabled; at the due date, one escalation per platform to its admin channel
 * listing the overdue accounts per owner (mentioned where their chat user is known). Each is
 * recorded on the accounts (reminded_at, warned_at, escalated_at) and has a dedupe key, so a pass
 * run twice sends nothing twice. Owners are handled in short transactions with the event loop
 * served between them. Returns what it queued.
 */
export async function enqueueReviewFollowUps(
  store: Store,
  campaign: ReviewCampaign,
  options: ReviewFollowUpOptions,
): Promise<ReviewFollowUpCounts> {
  const counts: ReviewFollowUpCounts = { reminders: 0, warnings: 0, escalations: 0 };
  const { now } = options;
  const platforms = new Set(Object.keys(options.adminChannels));
  const owners = await store.reviews.listPendingReviewOwners(campaign.id);

  if (now.getTime() >= campaign.dueAt.getTime()) {
    await escalate(store, campaign, owners, options, counts);
    return counts;
  }

  const warnFrom = campaign.dueAt.getTime() - WARNING_LEAD_MS;
  const remindAfter = options.reminderDays * DAY - PASS_TOLERANCE_MS;
  for (let from = 0; from < owners.length; from += OWNERS_PER_BATCH) {
    if (from > 0) await yieldToLoop();
    await store.transaction(async (tx) => {
      const pace = createPacer();
      for (const owner of owners.slice(from, from + OWNERS_PER_BATCH)) {
        await pace();
        const items = await pendingOf(tx, campaign.id, owner);
        if (items.length === 0) continue;
        // The first review message of each platform: where the owner was asked, and is answered.
        const sent = firstPerPlatform(await tx.reviews.listSentReviewMessages(campaign.id, owner), platforms);
        // Never reached on any platform (not delivered yet, or refused): nothing to reply under.
        if (sent.length === 0) continue;
        const unwarned = items.filter((i) => i.warnedAt === undefined);
        let stage: ReviewFollowUpStage;
        let key: string;
        if (campaign.defaultDecision === "disable" && now.getTime() >= warnFrom && unwarned.length > 0) {
          stage = "warning";
          key = contentKey(unwarned);
        } else {
          const reminded = items.map((i) => i.remindedAt?.getTime() ?? 0);
          const since = Math.max(...reminded) || Math.min(...sent.map((m) => m.sentAt.getTime()));
          if (now.getTime() - since < remindAfter) continue;
          stage = "reminder";
          // One reminder a day at most, whatever runs the pass.
          key = now.toISOString().slice(0, 10);
        }
        for (const message of sent) {
          const view: ReviewFollowUpView = {
            stage,
            campaign: campaignRef(campaign),
            replyTo: message.ref,
            owners: [{ email: owner, accounts: listed(items), total: items.length }],
            totalOwners: 1,
          };
          await tx.outbox.enqueue({
            platform: message.platform,
            recipient: owner,
            dedupeKey: `${message.platform}:review-${stage}:${campaign.id}:${owner}:${key}`,
            message: { kind: "review_follow_up", view },
            now,
          });
        }
        for (const item of items) {
          // A warning is a reminder too: the next reminder counts from it.
          if (stage === "warning") await tx.reviews.markReviewFollowUp(item, "warned", now);
          await tx.reviews.markReviewFollowUp(item, "reminded", now);
        }
        counts[stage === "warning" ? "warnings" : "reminders"] += 1;
      }
    });
  }
  return counts;
}

function firstPerPlatform(
  sent: readonly SentReviewMessage[],
  platforms: ReadonlySet<string>,
): SentReviewMessage[] {
  const first = new Map<string, SentReviewMessage>();
  for (const message of sent) {
    if (platforms.has(message.platform) && !first.has(message.platform)) first.set(message.platform, message);
  }
  return [...first.values()];
}

/**
 * The due date passed: one escalation per platform with an admin channel, listing each owner's
 * overdue accounts (and those nobody reachable owns), owners mentioned where their chat user is
 * known. With REVIEW_DEFAULT=disable it says how many of each owner's are disabled now: those
 * whose owner was warned (applyReviewDefaults disables them).
 */
async function escalate(
  store: Store,
  campaign: ReviewCampaign,
  owners: readonly string[],
  options: ReviewFollowUpOptions,
  counts: ReviewFollowUpCounts,
): Promise<void> {
  const { now } = options;
  const groups: ReviewFollowUpOwner[] = [];
  const everyone: (string | undefined)[] = [...owners, undefined];
  for (let from = 0; from < everyone.length; from += OWNERS_PER_BATCH) {
    if (from > 0) await yieldToLoop();
    await store.transaction(async (tx) => {
      const pace = createPacer();
      for (const owner of everyone.slice(from, from + OWNERS_PER_BATCH)) {
        await pace();
        const items = await pendingOf(tx, campaign.id, owner);
        if (items.length === 0) continue;
        const disabling =
          campaign.defaultDecision === "disable" && owner !== undefined
            ? items.filter((i) => i.warnedAt !== undefined).length
            : 0;
        groups.push({
          email: owner,
          accounts: listed(items),
          total: items.length,
          ...(disabling > 0 ? { disabling } : {}),
        });
        // Escalated once: a pass run again (or after a crash) does not escalate again.
        for (const item of items) {
          if (item.escalatedAt === undefined) await tx.reviews.markReviewFollowUp(item, "escalated", now);
        }
      }
    });
  }
  if (groups.length === 0) return;
  // Most overdue first, then by owner, so the largest silences head the list.
  groups.sort((a, b) => b.total - a.total || (a.email ?? "~").localeCompare(b.email ?? "~"));
  for (const [platform, adminChannel] of Object.entries(options.adminChannels)) {
    if (!adminChannel) continue;
    const shown: ReviewFollowUpOwner[] = [];
    // The first owners are listed; the others are counted.
    for (const owner of groups.slice(0, REVIEW_FOLLOW_UP_LISTED)) {
      const user = owner.email ? await store.chatUsers.getCachedChatUser(platform, owner.email) : undefined;
      shown.push(user?.userId ? { ...owner, ref: { platform, id: user.userId } } : owner);
    }
    const id = await store.outbox.enqueue({
      platform,
      recipient: adminChannel,
      dedupeKey: `${platform}:review-escalation:${campaign.id}:${adminChannel}`,
      message: {
        kind: "review_follow_up",
        view: {
          stage: "escalation",
          campaign: campaignRef(campaign),
          owners: shown,
          totalOwners: groups.length,
          ...(options.mode ? { mode: options.mode } : {}),
        },
      },
      now,
    });
    if (id !== undefined) counts.escalations += 1;
  }
}
