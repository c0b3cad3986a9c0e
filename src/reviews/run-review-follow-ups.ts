import type { WardenMode } from "../config/load-config.js";
import type { Logger } from "../logger.js";
import type { ActionResult } from "../remediation/action-request.js";
import type { DefaultDecisionRequest } from "../remediation/decide-by-default.js";
import type { ReviewCampaign } from "../store/reviews.js";
import type { Store } from "../store/store.js";
import { applyReviewDefaults, type ReviewDefaultsResult } from "./apply-review-defaults.js";
import { enqueueReviewFollowUps, type ReviewFollowUpCounts } from "./enqueue-review-follow-ups.js";
import { enqueueReviewMessages } from "./enqueue-review-messages.js";

export interface ReviewPassDeps {
  store: Store;
  now: () => Date;
  logger: Logger;
  /** The configured chat platforms and their admin channels. */
  targets: readonly { platform: string; adminChannel: string | undefined }[];
  /** REVIEW_REMINDER_DAYS. */
  reminderDays: number;
  /** WARDEN_MODE: review messages say a click opens a ticket; the escalation says how defaults are made. */
  mode: WardenMode;
  /** Takes a default decision (createDefaultDecider). */
  decide: (request: DefaultDecisionRequest) => Promise<ActionResult>;
}

export interface ReviewPassResult extends ReviewFollowUpCounts {
  /** Owners sent a review message for accounts newly theirs (assigned since). */
  asked: number;
  /** Default decisions (REVIEW_DEFAULT=disable). */
  defaults: ReviewDefaultsResult;
  /** Campaigns closed at their due date. */
  closed: number;
}

/**
 * The access reviews' part of the daily follow-up pass, for every open campaign: one whose due
 * date passed is escalated to the admin channels, its default applied (REVIEW_DEFAULT=disable),
 * then closed with a `review.closed` audit entry; the others first queue the review messages of
 * accounts newly assigned to an owner (so they reach their new owner within a day), then remind
 * (and warn) owners with accounts left. Everything is queued; the caller delivers it.
 */
export async function runReviewFollowUps(deps: ReviewPassDeps): Promise<ReviewPassResult> {
  const { store } = deps;
  const result: ReviewPassResult = {
    asked: 0,
    reminders: 0,
    warnings: 0,
    escalations: 0,
    defaults: { decided: 0, failed: 0, skipped: 0 },
    closed: 0,
  };
  const adminChannels = Object.fromEntries(deps.targets.map((t) => [t.platform, t.adminChannel]));
  const add = (counts: ReviewFollowUpCounts) => {
    result.reminders += counts.reminders;
    result.warnings += counts.warnings;
    result.escalations += counts.escalations;
  };
  const open = await store.reviews.listReviewCampaigns({ open: true });
  if (open.length === 0) return result;
  const isDue = (c: ReviewCampaign) => deps.now().getTime() >= c.dueAt.getTime();
  for (const campaign of open.filter(isDue)) {
    // Escalated first: it lists what is still pending, before the default answers it.
    add(
      await enqueueReviewFollowUps(store, campaign, {
        now: deps.now(),
        adminChannels,
        reminderDays: deps.reminderDays,
        mode: deps.mode,
      }),
    );
    const defaults = await applyReviewDefaults(store, campaign, deps);
    for (const key of ["decided", "failed", "skipped"] as const) result.defaults[key] += defaults[key];
    await closeCampaign(deps, campaign, defaults);
    result.closed += 1;
  }
  // Accounts assigned to someone since the campaign started are asked of them (closed ones are not).
  for (const target of deps.targets) {
    const queued = await enqueueReviewMessages(store, {
      platform: target.platform,
      adminChannel: target.adminChannel,
      now: deps.now(),
      ticketMode: deps.mode === "ticket",
    });
    result.asked += queued.owners;
  }
  for (const campaign of open.filter((c) => !isDue(c))) {
    add(
      await enqueueReviewFollowUps(store, campaign, {
        now: deps.now(),
        adminChannels,
        reminderDays: deps.reminderDays,
      }),
    );
  }
  return result;
}

async function closeCampaign(
  deps: ReviewPassDeps,
  campaign: ReviewCampaign,
  defaults: ReviewDefaultsResult,
): Promise<void> {
  const at = deps.now();
  const counts = { pending: 0, certified: 0, disabled: 0, reassigned: 0 };
  for (const row of await deps.store.reviews.countReviewItems(campaign.id)) counts[row.status] += row.count;
  await deps.store.transaction(async (tx) => {
    await tx.reviews.closeReviewCampaign(campaign.id, at);
    await tx.audit.appendAudit({
      at,
      event: "review.closed",
      actor: "warden",
      subject: `review:${campaign.id}`,
      detail: {
        dueAt: campaign.dueAt.toISOString(),
        defaultDecision: campaign.defaultDecision,
        ...counts,
        defaults,
      },
    });
  });
  deps.logger.info(
    { campaign: campaign.id, ...counts, defaults },
    `access review #${campaign.id} closed at its due date`,
  );
}
