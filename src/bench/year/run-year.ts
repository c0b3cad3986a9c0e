import { statSync } from "node:fs";
import { WebClient } from "@slack/web-api";
import { createSlackSender } from "../../adapters/slack/create-slack-sender.js";
import { slackClientOptions } from "../../app/create-chat-platforms.js";
import { openWarden } from "../../app/open-warden.js";
import { postDigest } from "../../app/post-digest.js";
import { createRatePacer, type WindowLimit } from "../../chat-pacing/rate-pacer.js";
import { DEFAULT_SLACK_PACING, type SlackPacing } from "../../chat-pacing/slack-pacing.js";
import { loadConfig } from "../../config/load-config.js";
import { silentLogger } from "../../logger.js";
import { deliverOutbox } from "../../notify/deliver-outbox.js";
import { enqueueFollowUps } from "../../notify/enqueue-follow-ups.js";
import { enqueueOwnerMessages } from "../../notify/enqueue-owner-messages.js";
import { markFixedAccounts } from "../../notify/mark-fixed-accounts.js";
import { runScan } from "../../scan/run-scan.js";
import { SERVICENOW_SOURCE } from "../../sources/servicenow/servicenow-source.js";
import { describeInstance } from "../../sources/servicenow/simulator/describe-instance.js";
import type { InstanceData } from "../../sources/servicenow/simulator/instance-data.js";
import { createPrng } from "../../sources/servicenow/simulator/prng.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../sources/servicenow/simulator/start-simulated-instance.js";
import { computeLowerBound } from "../compute-lower-bound.js";
import { startFakeSlackApi } from "../fake-slack/fake-slack-api.js";
import { SLACK_TIER_LIMITS, type SlackTierLimits } from "../fake-slack/slack-tier-gate.js";
import { peakRatio } from "../fan-out/measure-calls.js";
import { type ChurnRates, type ChurnSummary, churnInstance } from "./churn-instance.js";
import { type DatabaseBreakdown, measureTables } from "./measure-tables.js";

/** One simulated day's figures. */
export interface YearDay {
  day: number;
  churn: ChurnSummary | undefined;
  identities: number;
  requests: number;
  lowerBound: number;
  scan: {
    wallMs: number;
    collectMs: number;
    assessMs: number;
    storeMs: number;
    checkpointMs: number;
    pruneMs: number;
  };
  changes: { opened: number; updated: number; resolved: number };
  pruned: number;
  /** The daily follow-up pass (enqueueFollowUps) alone. */
  followUps: { ms: number; reminders: number; escalations: number };
  messages: {
    queued: number;
    sent: number;
    deferred: number;
    wallMs: number;
    lookups: number;
    opens: number;
    posts: number;
    updates: number;
    rateLimited: number;
    /** Busiest window's calls over the fake's limit (1 = at it), Tier 3 and posts per workspace. */
    peakTier3: number;
    peakPosts: number;
  };
  digestMs: number | undefined;
  /** Peak RSS of this (the warden) process during the day; the simulated instance runs in it too. */
  peakRss: number;
  /** Database file plus its WAL, in bytes, at the end of the day. */
  dbBytes: number;
  /** The WAL's part of dbBytes (its size stays at its largest since the last truncating checkpoint). */
  walBytes: number;
  /** Where the bytes are, per table: measured after day 7 and after the last day only. */
  breakdown: DatabaseBreakdown | undefined;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const COUNTED = ["users.lookupByEmail", "conversations.open", "chat.postMessage", "chat.update"] as const;

const scaled = (limit: WindowLimit, scale: number): WindowLimit => ({
  count: limit.count,
  windowMs: limit.windowMs / scale,
});

/**
 * A year of warden at one installation, day by day, on a simulated clock: the simulated instance
 * changes (churnInstance), the scan runs (collect, assess, store, retention), the owner messages
 * and follow-ups go out through the real outbox and Slack sender to a fake Slack that enforces the
 * tiers (time sped up `slackScale`×, its windows and warden's pacing alike), a digest goes to the
 * channel once a week. The simulated instance runs in this process (it is restarted on the
 * churned data every day), so the RSS figures include its data.
 */
export async function runYear(options: {
  data: InstanceData;
  days: number;
  dbPath: string;
  pageSize: number;
  retentionDays: number;
  churn: ChurnRates;
  slackScale: number;
  seed: number;
  onDay: (day: YearDay) => void;
}): Promise<YearDay[]> {
  const { data } = options;
  const start = data.now.getTime();
  let clock = start;
  const now = () => new Date(clock);
  const rng = createPrng(options.seed + 7919);
  const mutableData = data as { now: Date };

  const humans = (data.tables.get("sys_user")?.rows ?? []).filter(
    (r) => !r.user_name?.startsWith("svc_") && r.email !== "",
  );
  const slack = await startFakeSlackApi({
    users: humans.map((r, i) => ({
      id: `U${i.toString(36).toUpperCase().padStart(7, "0")}`,
      name: r.name ?? "",
      email: r.email ?? "",
    })),
  });
  const scale = options.slackScale;
  const limits: SlackTierLimits = {
    ...SLACK_TIER_LIMITS,
    tier3: scaled(SLACK_TIER_LIMITS.tier3, scale),
    postPerChannel: scaled(SLACK_TIER_LIMITS.postPerChannel, scale),
    postPerWorkspace: scaled(SLACK_TIER_LIMITS.postPerWorkspace, scale),
  };
  slack.enforceTiers(limits);
  const pacing: SlackPacing = {
    tier3: scaled(DEFAULT_SLACK_PACING.tier3, scale),
    chatUpdate: scaled(DEFAULT_SLACK_PACING.chatUpdate, scale),
    postPerChannel: scaled(DEFAULT_SLACK_PACING.postPerChannel, scale),
    postPerWorkspace: scaled(DEFAULT_SLACK_PACING.postPerWorkspace, scale),
    updateHorizonMs:
      DEFAULT_SLACK_PACING.updateHorizonMs === undefined
        ? undefined
        : DEFAULT_SLACK_PACING.updateHorizonMs / scale,
  };

  let sim: SimulatedInstance = await startSimulatedInstance({
    data,
    latencyMs: 0,
    now,
    recordRequests: false,
  });
  const port = Number(new URL(sim.url).port);
  const config = loadConfig({
    SERVICENOW_URL: sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    SERVICENOW_PAGE_SIZE: String(options.pageSize),
    SERVICENOW_TIMEOUT_MS: "120000",
    DORMANT_DAYS: "100",
    WARDEN_DB: options.dbPath,
    WARDEN_RETENTION_DAYS: String(options.retentionDays),
    SLACK_BOT_TOKEN: "xoxb-year",
    SLACK_SIGNING_SECRET: "year-signing-secret",
    SLACK_API_URL: slack.url,
    SLACK_DIGEST_CHANNEL: "CYEARDIGEST",
    SLACK_ADMIN_CHANNEL: "CYEARADMIN",
  });
  const warden = await openWarden(config, { logger: silentLogger, now });
  const store = warden.store;
  const connector = warden.connectors.get(SERVICENOW_SOURCE);
  const client = new WebClient("xoxb-year", slackClientOptions(slack.url));
  const sender = createSlackSender({
    client,
    store,
    now,
    userCacheMs: DAY_MS,
    pacing,
    pacer: createRatePacer(),
  });

  let dayPeak = 0;
  const sampler = setInterval(() => {
    dayPeak = Math.max(dayPeak, process.memoryUsage().rss);
  }, 20);
  const days: YearDay[] = [];
  try {
    for (let day = 0; day < options.days; day++) {
      dayPeak = process.memoryUsage().rss;
      const midnight = start + day * DAY_MS;
      let churn: ChurnSummary | undefined;
      if (day > 0) {
        clock = midnight;
        churn = churnInstance(data, rng, day, options.churn);
        mutableData.now = new Date(midnight);
        // Rows were removed: the simulator's query caches start over on the churned data.
        await sim.close();
        sim = await startSimulatedInstance({ data, port, latencyMs: 0, now, recordRequests: false });
      }
      // The scan at 02:00.
      clock = midnight + 2 * HOUR_MS;
      const scanStarted = performance.now();
      const outcome = await runScan({
        store,
        connector,
        now,
        logger: silentLogger,
        dormantDays: config.dormantDays,
        retentionDays: config.retentionDays,
      });
      const scanWallMs = performance.now() - scanStarted;
      const bound = computeLowerBound(
        describeInstance(data),
        outcome.inventory,
        options.pageSize,
        outcome.inventory.collectedAt,
      );
      const pruned = outcome.pruned
        ? outcome.pruned.messages +
          outcome.pruned.updates +
          outcome.pruned.findings +
          outcome.pruned.accounts +
          outcome.pruned.scans
        : 0;

      // The message run at 09:00: owner messages, the follow-up pass, delivery.
      clock = midnight + 9 * HOUR_MS;
      await markFixedAccounts(store, { platform: "slack", now: now() });
      const queued = await enqueueOwnerMessages(store, {
        platform: "slack",
        adminChannel: config.slack.adminChannel,
        now: now(),
      });
      const followStarted = performance.now();
      const followed = await enqueueFollowUps(store, {
        now: now(),
        adminChannels: { slack: config.slack.adminChannel ?? "CYEARADMIN" },
      });
      const followMs = performance.now() - followStarted;
      const from = slack.calls.length;
      const limitedBefore = slack.rateLimited.length;
      const deliverStarted = performance.now();
      const delivered = await deliverOutbox({
        store,
        sender,
        now,
        logger: silentLogger,
        adminChannel: config.slack.adminChannel,
      });
      const deliverMs = performance.now() - deliverStarted;
      const times = (methods: readonly string[]) =>
        slack.calls.flatMap((call, i) =>
          i >= from && methods.includes(call.method) ? [slack.callTimes[i] ?? 0] : [],
        );
      const counts = Object.fromEntries(
        COUNTED.map((m) => [m, slack.calls.slice(from).filter((c) => c.method === m).length]),
      ) as Record<(typeof COUNTED)[number], number>;
      const peakTier3 = Math.max(
        peakRatio(times(["users.lookupByEmail"]), limits.tier3),
        peakRatio(times(["conversations.open"]), limits.tier3),
        peakRatio(times(["chat.update"]), limits.tier3),
      );
      const peakPosts = peakRatio(times(["chat.postMessage"]), limits.postPerWorkspace);
      const rateLimited = slack.rateLimited.length - limitedBefore;

      // The weekly digest, Monday 08:00 of the simulated week (every 7th day).
      let digestMs: number | undefined;
      if (day % 7 === 6) {
        clock = midnight + 10 * HOUR_MS;
        const digestStarted = performance.now();
        await postDigest(warden);
        digestMs = performance.now() - digestStarted;
      }
      // The fake keeps every call: a year of them would only grow this process.
      slack.calls.length = 0;
      slack.callTimes.length = 0;
      slack.rateLimited.length = 0;

      const walBytes = sizeOf(`${options.dbPath}-wal`);
      const dbBytes = sizeOf(options.dbPath) + walBytes;
      const t = outcome.timings;
      const result: YearDay = {
        day: day + 1,
        churn,
        identities: outcome.inventory.identities.length,
        requests: outcome.inventory.requests,
        lowerBound: bound.total,
        scan: {
          wallMs: scanWallMs,
          collectMs: t.collectMs,
          assessMs: t.assessMs,
          storeMs: t.storeMs,
          checkpointMs: t.checkpointMs,
          pruneMs: t.pruneMs,
        },
        changes: outcome.changes,
        pruned,
        followUps: { ms: followMs, ...followed },
        messages: {
          queued: queued.owners,
          sent: delivered.sent,
          deferred: delivered.deferred,
          wallMs: deliverMs,
          lookups: counts["users.lookupByEmail"],
          opens: counts["conversations.open"],
          posts: counts["chat.postMessage"],
          updates: counts["chat.update"],
          rateLimited,
          peakTier3,
          peakPosts,
        },
        digestMs,
        peakRss: Math.max(dayPeak, process.memoryUsage().rss),
        dbBytes,
        walBytes,
        breakdown: day === 6 || day === options.days - 1 ? measureTables(options.dbPath) : undefined,
      };
      days.push(result);
      options.onDay(result);
    }
  } finally {
    clearInterval(sampler);
    await warden.close();
    await sim.close();
    await slack.close();
  }
  return days;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
