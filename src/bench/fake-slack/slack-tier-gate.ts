/**
 * Slack's rate limits, enforced by the fake Web API when asked to (off by default): a call over its
 * method's budget is answered HTTP 429 with Retry-After, as Slack does
 * (https://docs.slack.dev/apis/web-api/rate-limits). Counted in sliding windows over the calls the
 * fake accepted; a refused call does not count.
 */

import type { WindowLimit } from "../../chat-pacing/rate-pacer.js";
import { SLACK_LIMITS } from "../../chat-pacing/slack-pacing.js";

export interface SlackTierLimits {
  /** Per method, for each method in `tier3Methods`. */
  tier3: WindowLimit;
  tier3Methods: readonly string[];
  /** chat.postMessage into one channel. */
  postPerChannel: WindowLimit;
  /** chat.postMessage across the workspace (Slack does not publish it: an assumption). */
  postPerWorkspace: WindowLimit;
}

export const SLACK_TIER_LIMITS: SlackTierLimits = {
  tier3: SLACK_LIMITS.tier3,
  tier3Methods: ["users.lookupByEmail", "conversations.open", "chat.update"],
  postPerChannel: SLACK_LIMITS.postPerChannel,
  postPerWorkspace: SLACK_LIMITS.postPerWorkspace,
};

/** Returns undefined when the call may go, else the seconds to put in Retry-After. */
export type SlackTierGate = (method: string, args: Record<string, unknown>, at: number) => number | undefined;

/** Slack delivers a post with a user id as channel into the bot's DM with that user. */
const channelOf = (args: Record<string, unknown>): string => {
  const channel = typeof args.channel === "string" ? args.channel : "";
  return /^[UW][A-Z0-9]+$/.test(channel) ? `D${channel}` : channel;
};

/** `at`: when the call arrived (performance.now()). */
export function createSlackTierGate(limits: SlackTierLimits): SlackTierGate {
  const logs = new Map<string, number[]>();
  const budgets = (method: string, args: Record<string, unknown>): [string, WindowLimit][] => {
    if (method === "chat.postMessage") {
      return [
        ["chat.postMessage", limits.postPerWorkspace],
        [`chat.postMessage:${channelOf(args)}`, limits.postPerChannel],
      ];
    }
    return limits.tier3Methods.includes(method) ? [[method, limits.tier3]] : [];
  };
  return (method, args, now) => {
    const checks = budgets(method, args);
    let retryAfterMs = 0;
    for (const [key, limit] of checks) {
      const log = (logs.get(key) ?? []).filter((t) => t > now - limit.windowMs);
      logs.set(key, log);
      const oldest = log[0];
      if (log.length >= limit.count && oldest !== undefined) {
        retryAfterMs = Math.max(retryAfterMs, oldest + limit.windowMs - now);
      }
    }
    if (retryAfterMs > 0) return Math.max(1, Math.ceil(retryAfterMs / 1000));
    for (const [key] of checks) logs.get(key)?.push(now);
    return undefined;
  };
}
