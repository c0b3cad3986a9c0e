import { WebClient } from "@slack/web-api";
import { createSlackSender } from "../../adapters/slack/create-slack-sender.js";
import { slackClientOptions } from "../../app/create-chat-platforms.js";
import { createRatePacer, type RatePacer, type WindowLimit } from "../../chat-pacing/rate-pacer.js";
import { DEFAULT_SLACK_PACING, type SlackPacing } from "../../chat-pacing/slack-pacing.js";
import { silentLogger } from "../../logger.js";
import { type DeliveryResult, deliverOutbox } from "../../notify/deliver-outbox.js";
import { createSqliteStore } from "../../store/create-sqlite-store.js";
import { openDatabase } from "../../store/open-database.js";
import type { Store } from "../../store/store.js";
import { type FakeSlackApi, startFakeSlackApi } from "../fake-slack/fake-slack-api.js";
import type { SlackTierLimits } from "../fake-slack/slack-tier-gate.js";
import { peakRatio } from "./measure-calls.js";
import { fanOutEmail, queueFanOutWeek } from "./owner-message-fixture.js";

/** The Web API methods a fan-out run calls. */
export const FAN_OUT_METHODS = [
  "users.lookupByEmail",
  "conversations.open",
  "chat.postMessage",
  "chat.update",
] as const;

export interface FanOutWeek {
  week: number;
  result: DeliveryResult;
  wallMs: number;
  /** When the last owner message (chat.postMessage) of the run went out, from its start. */
  postsDoneMs: number;
  calls: Record<(typeof FAN_OUT_METHODS)[number], number>;
  /** Calls the fake answered 429 in this run. */
  rateLimited: number;
  /** Busiest window's calls over the fake's limit, per budget (1 = at the limit). */
  peak: { tier3: number; chatUpdate: number; postWorkspace: number };
}

export interface FanOut {
  slack: FakeSlackApi;
  store: Store;
  /**
   * Queues week `week`'s owner messages (one per owner) and delivers them, as a weekly run does.
   * `scale` > 1 runs time faster: every window of the fake's limits and of warden's pacing is
   * divided by it (a run bound by the limits then takes 1/scale of its time at Slack's own).
   */
  runWeek(week: number, scale?: number): Promise<FanOutWeek>;
  close(): Promise<void>;
}

const scaled = (limit: WindowLimit, scale: number): WindowLimit => ({
  count: limit.count,
  windowMs: limit.windowMs / scale,
});

const DAY_MS = 86_400_000;

/**
 * A weekly message run to `owners` owners over real HTTP against the fake Slack Web API enforcing
 * `limits`, through warden's own outbox and Slack sender (paced with `pacing`): what the bench's
 * fan-out phase and the fan-out test drive.
 */
export async function startFanOut(options: {
  owners: number;
  limits: SlackTierLimits;
  pacing: Partial<SlackPacing>;
  dbPath: string;
  start: Date;
  concurrency?: number;
}): Promise<FanOut> {
  const users = Array.from({ length: options.owners }, (_, i) => ({
    id: `U${String(i).padStart(6, "0")}`,
    name: `Owner ${i}`,
    email: fanOutEmail(i),
  }));
  const slack = await startFakeSlackApi({ users, enforceTiers: options.limits });
  const db = openDatabase(options.dbPath);
  const store = createSqliteStore(db, { location: options.dbPath });
  const client = new WebClient("xoxb-fan-out", slackClientOptions(slack.url));
  // One pacer per time scale: a budget counted at one scale means nothing at another.
  const pacers = new Map<number, RatePacer>();
  let clock = options.start.getTime();
  const now = () => new Date(clock);

  const timesOf = (methods: readonly string[], from: number) =>
    slack.calls.flatMap((call, i) =>
      i >= from && methods.includes(call.method) ? [slack.callTimes[i] ?? 0] : [],
    );

  return {
    slack,
    store,
    async runWeek(week, scale = 1) {
      const limits: SlackTierLimits = {
        ...options.limits,
        tier3: scaled(options.limits.tier3, scale),
        postPerChannel: scaled(options.limits.postPerChannel, scale),
        postPerWorkspace: scaled(options.limits.postPerWorkspace, scale),
      };
      const base: SlackPacing = { ...DEFAULT_SLACK_PACING, ...options.pacing };
      const pacing: SlackPacing = {
        tier3: scaled(base.tier3, scale),
        chatUpdate: scaled(base.chatUpdate, scale),
        postPerChannel: scaled(base.postPerChannel, scale),
        postPerWorkspace: scaled(base.postPerWorkspace, scale),
        updateHorizonMs: base.updateHorizonMs === undefined ? undefined : base.updateHorizonMs / scale,
      };
      slack.enforceTiers(limits);
      const pacer = pacers.get(scale) ?? createRatePacer();
      pacers.set(scale, pacer);
      clock = options.start.getTime() + week * 7 * DAY_MS;
      await queueFanOutWeek(store, { platform: "slack", owners: options.owners, week, now: now() });
      const from = slack.calls.length;
      const limitedBefore = slack.rateLimited.length;
      const sender = createSlackSender({
        client,
        store,
        now,
        userCacheMs: DAY_MS,
        pacing,
        pacer,
      });
      const started = performance.now();
      const result = await deliverOutbox({
        store,
        sender,
        now,
        logger: silentLogger,
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      });
      const wallMs = performance.now() - started;
      const calls = Object.fromEntries(
        FAN_OUT_METHODS.map((m) => [m, slack.calls.slice(from).filter((c) => c.method === m).length]),
      ) as FanOutWeek["calls"];
      const posts = timesOf(["chat.postMessage"], from);
      const lookups = timesOf(["users.lookupByEmail"], from);
      const opens = timesOf(["conversations.open"], from);
      return {
        week,
        result,
        wallMs,
        postsDoneMs: posts.length > 0 ? (posts.at(-1) ?? started) - started : 0,
        calls,
        rateLimited: slack.rateLimited.length - limitedBefore,
        peak: {
          tier3: Math.max(peakRatio(lookups, limits.tier3), peakRatio(opens, limits.tier3)),
          chatUpdate: peakRatio(timesOf(["chat.update"], from), limits.tier3),
          postWorkspace: peakRatio(posts, limits.postPerWorkspace),
        },
      };
    },
    async close() {
      await store.close();
      await slack.close();
    },
  };
}
