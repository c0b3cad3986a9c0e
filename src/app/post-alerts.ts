import { type AlertView, buildAlert } from "../messages/build-alert.js";
import { deliverOutbox } from "../notify/deliver-outbox.js";
import { inDeliveryLane } from "../notify/delivery-lane.js";
import { chatTarget, configuredChats } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

/** One source's scan of a run, as the alert needs it (a ScanOutcome has both). */
export interface AlertScan {
  scanId: number;
  inventory: { source: string };
}

/** What postAlerts did after a run. */
export interface AlertResult {
  /** The alert, when the run opened findings of ALERT_RULES (posted or not). */
  view: AlertView | undefined;
  /** Admin channels it was posted to now, and those it could not be posted to (it stays queued when that can clear). */
  posted: number;
  failed: number;
  /** Sources whose first scan this was (their baseline: not alerted). */
  baseline: string[];
}

/**
 * After a scan run: posts the findings it opened of ALERT_RULES to each configured admin channel
 * (SLACK_ADMIN_CHANNEL, TEAMS_ADMIN_CHANNEL), summarised in one message per run and platform,
 * through the outbox. Its dedupe key is the run's scan ids, so calling this again for the same
 * run queues nothing, and a message interrupted while sending is marked unknown, never re-sent
 * (deliverOutbox): each finding is alerted at most once. A later scan refreshes an open finding
 * rather than opening it, so it is never new again; one that was resolved and comes back is.
 * Nothing is posted when ALERT_RULES is `none`, for a source's first scan (buildAlert), or when
 * no admin channel is configured (one log line says what was not alerted).
 */
export async function postAlerts(warden: Warden, scans: readonly AlertScan[]): Promise<AlertResult> {
  const { config, store, logger } = warden;
  const log = logger.child({ job: "alert" });
  const none: AlertResult = { view: undefined, posted: 0, failed: 0, baseline: [] };
  if (config.alertRules.length === 0 || scans.length === 0) return none;
  const now = warden.now();
  const { view, baseline } = await buildAlert(store, {
    scans: scans.map((s) => ({ scanId: s.scanId, source: s.inventory.source })),
    rules: config.alertRules,
    now,
  });
  if (baseline.length > 0) {
    log.info(
      { sources: baseline },
      "first scan of the source: its findings are the baseline (in the digest), not alerted",
    );
  }
  if (!view) return { ...none, baseline };
  const chats = configuredChats(config);
  const channels = chats.filter((c) => c.adminChannel);
  if (channels.length === 0) {
    // A chat without an admin channel is a configuration gap worth a warning; no chat at all is
    // the demo or a scan-only setup, which prints or has nowhere to post.
    const level = chats.length > 0 ? "warn" : "info";
    log[level](
      { findings: view.total, rules: view.rules.map((g) => g.rule) },
      "new findings of ALERT_RULES are not alerted: no admin channel is configured (SLACK_ADMIN_CHANNEL, TEAMS_ADMIN_CHANNEL)",
    );
    return { view, posted: 0, failed: 0, baseline };
  }
  const key = scans
    .map((s) => s.scanId)
    .sort((a, b) => a - b)
    .join("+");
  let posted = 0;
  let failed = 0;
  for (const chat of channels) {
    const target = await chatTarget(warden, chat.platform);
    const channel = chat.adminChannel;
    if (!target || !channel) continue;
    const dedupeKey = `${target.platform}:alert:${channel}:${key}`;
    const status = await inDeliveryLane(store, async () => {
      await store.outbox.enqueue({
        platform: target.platform,
        recipient: channel,
        dedupeKey,
        message: { kind: "alert", view },
        now,
      });
      await deliverOutbox({ store, sender: target.sender, now: warden.now, logger, adminChannel: channel });
      return store.outbox.outboxStatusOf(dedupeKey);
    });
    if (status === "sent") posted += 1;
    else failed += 1;
  }
  log.info({ findings: view.total, posted, failed }, "alert of new findings posted");
  return { view, posted, failed, baseline };
}
