import { ReviewError } from "../errors.js";
import type { DeliveryResult } from "../notify/deliver-outbox.js";
import { type StartedReview, startReview } from "../reviews/start-review.js";
import { configuredChats } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";
import { sendReviewMessages } from "./send-review-messages.js";

/** What a REVIEW_SCHEDULE slot did: a campaign started (and its messages sent), or why not. */
export type ScheduledReview =
  | {
      started: StartedReview;
      /** The review messages' delivery; undefined with no chat platform configured. */
      sent: ({ queued: number; unowned: number } & DeliveryResult) | undefined;
    }
  | { started: undefined; reason: string };

/**
 * REVIEW_SCHEDULE: opens a campaign over every source (REVIEW_DAYS long, REVIEW_DEFAULT's default,
 * started by "schedule") and sends each owner their review message. While a campaign is open, or
 * before any successful scan, the slot starts nothing and says why: that is not a failure. Every
 * slot leaves a `review.scheduled` audit entry, which is also when the schedule last ran (for the
 * catch-up at start).
 */
export async function startScheduledReview(warden: Warden): Promise<ScheduledReview> {
  const { store, config } = warden;
  const now = warden.now();
  let outcome: ScheduledReview;
  try {
    const started = await startReview(store, {
      days: config.reviews.days,
      now,
      startedBy: "schedule",
      defaultDecision: config.reviews.defaultDecision,
    });
    outcome = { started, sent: undefined };
  } catch (error) {
    if (!(error instanceof ReviewError) || !["E_REVIEW_OPEN", "E_REVIEW_NO_SCAN"].includes(error.code)) {
      throw error;
    }
    outcome = { started: undefined, reason: error.message };
  }
  await store.audit.appendAudit({
    at: now,
    event: "review.scheduled",
    actor: "schedule",
    ...(outcome.started ? { subject: `review:${outcome.started.campaign.id}` } : {}),
    detail: outcome.started ? { started: true } : { started: false, reason: outcome.reason },
  });
  if (outcome.started && configuredChats(config).length > 0) {
    outcome.sent = await sendReviewMessages(warden);
  }
  return outcome;
}
