import { UsageError } from "../errors.js";
import { buildDigest } from "../messages/build-digest.js";
import { closeDoneTickets } from "../notify/close-done-tickets.js";
import { type DeliveryResult, deliverOutbox } from "../notify/deliver-outbox.js";
import { inDeliveryLane } from "../notify/delivery-lane.js";
import { enqueueFollowUps } from "../notify/enqueue-follow-ups.js";
import { enqueueOwnerMessages } from "../notify/enqueue-owner-messages.js";
import { markFixedAccounts } from "../notify/mark-fixed-accounts.js";
import { createDefaultDecider } from "../remediation/decide-by-default.js";
import { resolvePendingDecisions } from "../remediation/resolve-pending-decisions.js";
import { type ReviewPassResult, runReviewFollowUps } from "../reviews/run-review-follow-ups.js";
import { chatTargets } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

const sum = <T extends Record<string, number>>(results: T[], zero: T): T =>
  results.reduce(
    (total, r) => Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v + (r[k] ?? 0)])) as T,
    zero,
  );

/**
 * `warden digest`: queues the digest for each configured digest channel (Slack, Teams) and sends
 * it (with whatever else is due on that platform); records it for the trend. `sent` and `failed`
 * count the digests: one not posted now is failed here, though it stays queued when its failure
 * can clear.
 */
export function postDigest(warden: Warden): Promise<{ sent: number; failed: number }> {
  return inDeliveryLane(warden.store, () => postDigestNow(warden));
}

async function postDigestNow(warden: Warden): Promise<{ sent: number; failed: number }> {
  const targets = (await chatTargets(warden)).filter((t) => t.digestChannel);
  if (targets.length === 0) {
    throw new UsageError(
      "No digest channel is configured: set SLACK_BOT_TOKEN and SLACK_DIGEST_CHANNEL, or TEAMS_APP_ID and TEAMS_DIGEST_CHANNEL, or use --print.",
    );
  }
  const { store } = warden;
  const now = warden.now();
  const view = await buildDigest(store, { now, giveUpDays: warden.config.deliveryGiveUpDays });
  const scan = (await store.scans.listScans({ status: "succeeded", limit: 1 }))[0];
  const results = [];
  for (const target of targets) {
    const channel = target.digestChannel ?? "";
    const dedupeKey = `${target.platform}:digest:${channel}:${now.toISOString()}`;
    await store.transaction(async (tx) => {
      await tx.outbox.enqueue({
        platform: target.platform,
        recipient: channel,
        dedupeKey,
        message: { kind: "digest", view },
        now,
      });
      await tx.digests.recordDigest({
        platform: target.platform,
        recipient: channel,
        scanId: scan?.id,
        score: view.score?.value,
        at: now,
      });
    });
    await deliverOutbox({
      store,
      sender: target.sender,
      now: warden.now,
      logger: warden.logger,
      adminChannel: target.adminChannel,
    });
    const posted = (await store.outbox.outboxStatusOf(dedupeKey)) === "sent";
    results.push({ sent: posted ? 1 : 0, failed: posted ? 0 : 1 });
  }
  return sum(results, { sent: 0, failed: 0 });
}

/**
 * `warden notify`: queues owner messages for open findings and sends them, on every configured
 * platform, with every queued message whose retry time has come (see deliverOutbox).
 */
export function notifyOwners(warden: Warden, options: { followUps?: boolean } = {}): Promise<NotifyResult> {
  return inDeliveryLane(warden.store, () => notifyOwnersNow(warden, options));
}

/** What `warden notify` (or the daily pass) queued and sent; `reviews`: the access reviews' follow-ups. */
export type NotifyResult = { queued: number } & DeliveryResult & { reviews?: ReviewPassResult | undefined };

async function notifyOwnersNow(warden: Warden, options: { followUps?: boolean }): Promise<NotifyResult> {
  const targets = await chatTargets(warden);
  if (targets.length === 0) {
    throw new UsageError("No chat platform is configured: set SLACK_BOT_TOKEN or TEAMS_APP_ID (see README).");
  }
  // Decisions a killed process left pending: settled first; their message updates go out below.
  await resolvePendingDecisions({
    store: warden.store,
    connectors: warden.connectors,
    now: warden.now,
    logger: warden.logger.child({ component: "remediation" }),
  });
  // Ticket mode: tickets whose change the last scan found made are shown done in their messages.
  await closeDoneTickets(warden.store, warden.now());
  // The daily pass: the access reviews' reminders, warnings and, at a due date, the escalation,
  // the default (REVIEW_DEFAULT=disable) and the close; delivered below with everything else.
  const reviews = options.followUps
    ? await runReviewFollowUps({
        store: warden.store,
        now: warden.now,
        logger: warden.logger.child({ component: "reviews" }),
        targets,
        reminderDays: warden.config.reviews.reminderDays,
        mode: warden.config.mode,
        decide: createDefaultDecider({
          store: warden.store,
          connectors: warden.connectors,
          now: warden.now,
          mode: warden.config.mode,
          logger: warden.logger.child({ component: "remediation" }),
          ticketing: warden.ticketing,
        }),
      })
    : undefined;
  const results = [];
  for (const target of targets) {
    // Accounts fixed in ServiceNow since their message: shown as fixed, and no longer chased.
    await markFixedAccounts(warden.store, { platform: target.platform, now: warden.now() });
    const queued = await enqueueOwnerMessages(warden.store, {
      platform: target.platform,
      adminChannel: target.adminChannel,
      now: warden.now(),
      ticketMode: warden.config.mode === "ticket",
    });
    if (options.followUps) {
      // The daily pass: one reminder after 3 days, the admins after 7. A Keep that expired brings
      // its finding back into the owner message queued just above.
      await enqueueFollowUps(warden.store, {
        now: warden.now(),
        adminChannels: { [target.platform]: target.adminChannel },
      });
    }
    const result = await deliverOutbox({
      store: warden.store,
      sender: target.sender,
      now: warden.now,
      logger: warden.logger,
      adminChannel: target.adminChannel,
    });
    results.push({ queued: queued.owners, ...result });
  }
  const total = sum(results, {
    queued: 0,
    sent: 0,
    failed: 0,
    unknown: 0,
    rerouted: 0,
    retrying: 0,
    deferred: 0,
  });
  return reviews ? { ...total, reviews } : total;
}
