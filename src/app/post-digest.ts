import { WebClient } from "@slack/web-api";
import { createSlackSender } from "../adapters/slack/create-slack-sender.js";
import { UsageError } from "../errors.js";
import { deliverOutbox } from "../notify/deliver-outbox.js";
import { enqueueOwnerMessages } from "../notify/enqueue-owner-messages.js";
import { viewToJson } from "../notify/view-json.js";
import { enqueue } from "../store/outbox.js";
import { listScans } from "../store/scans.js";
import { buildDigest } from "../views/build-digest.js";
import type { Warden } from "./open-warden.js";

/** The Slack Web API client for the configured workspace, or undefined when Slack is not set up. */
export function slackClientOf(warden: Warden): WebClient | undefined {
  const { slack } = warden.config;
  if (!slack.botToken) return undefined;
  return new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true });
}

/** `warden digest`: queues the digest for the digest channel and sends it; records it for the trend. */
export async function postDigest(warden: Warden): Promise<{ sent: number; failed: number }> {
  const client = slackClientOf(warden);
  const channel = warden.config.slack.digestChannel;
  if (!client || !channel) {
    throw new UsageError(
      "No digest channel is configured: set SLACK_BOT_TOKEN and SLACK_DIGEST_CHANNEL, or use --print.",
    );
  }
  const now = warden.now();
  const view = buildDigest(warden.db, { now });
  const scan = listScans(warden.db, { status: "succeeded", limit: 1 })[0];
  warden.db.transaction(() => {
    enqueue(warden.db, {
      platform: "slack",
      kind: "digest",
      recipient: channel,
      dedupeKey: `slack:digest:${channel}:${now.toISOString()}`,
      payload: viewToJson(view),
      now,
    });
    warden.db
      .prepare(
        "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES ('slack', ?, ?, ?, ?)",
      )
      .run(channel, scan?.id ?? null, view.score?.value ?? null, now.toISOString());
  })();
  const sender = createSlackSender({ client, db: warden.db, now: warden.now });
  const result = await deliverOutbox({
    db: warden.db,
    sender,
    now: warden.now,
    logger: warden.logger,
    adminChannel: warden.config.slack.adminChannel,
  });
  return { sent: result.sent, failed: result.failed };
}

/** `warden notify`: queues owner messages for open findings and sends them (Slack). */
export async function notifyOwners(
  warden: Warden,
): Promise<{ queued: number; sent: number; failed: number; unknown: number; rerouted: number }> {
  const client = slackClientOf(warden);
  if (!client) throw new UsageError("No chat platform is configured: set SLACK_BOT_TOKEN (see README).");
  const queued = enqueueOwnerMessages(warden.db, {
    platform: "slack",
    adminChannel: warden.config.slack.adminChannel,
    now: warden.now(),
  });
  const sender = createSlackSender({ client, db: warden.db, now: warden.now });
  const result = await deliverOutbox({
    db: warden.db,
    sender,
    now: warden.now,
    logger: warden.logger,
    adminChannel: warden.config.slack.adminChannel,
  });
  return { queued: queued.owners, ...result };
}
