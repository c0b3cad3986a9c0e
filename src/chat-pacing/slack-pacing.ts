import type { PaceRule, WindowLimit } from "./rate-pacer.js";

/**
 * The budgets warden paces its Slack calls against. Slack publishes tiers "per API method per app
 * per workspace": Tier 3 "50+ per minute" (users.lookupByEmail, conversations.open, chat.update),
 * and for chat.postMessage "one message per second per channel, while also maintaining a
 * workspace-wide limit" whose number it does not publish (https://docs.slack.dev/apis/web-api/rate-limits).
 */
export interface SlackPacing {
  /** users.lookupByEmail and conversations.open, each its own budget (Tier 3). */
  tier3: WindowLimit;
  /**
   * chat.update (Tier 3). Clicks update their message with chat.update too, outside the outbox:
   * the outbox leaves them part of the method's budget.
   */
  chatUpdate: WindowLimit;
  /** chat.postMessage into one channel (or DM). */
  postPerChannel: WindowLimit;
  /** chat.postMessage across the workspace. */
  postPerWorkspace: WindowLimit;
  /**
   * How long an in-place update (chat.update) may wait for its slot; past it the item is put back,
   * due when its slot comes (serve's retry timer sends it then, else the next run), instead of
   * holding the delivery run: a weekly run supersedes every owner's previous message, and those
   * updates (Tier 3) would keep the run going for tens of minutes after every owner was reached.
   * They only remove buttons whose clicks are refused meanwhile (verify-origin.ts). New messages
   * always wait for their slot. Undefined: updates wait too.
   */
  updateHorizonMs?: number | undefined;
}

/**
 * Slack's limits as warden assumes them, and the share of each that warden uses: 90% of the window,
 * so that calls a little late or early on the wire still fit Slack's count. The workspace-wide
 * posting budget is an assumption (Slack does not publish it): 600 a minute, of which 540 are used.
 */
export const SLACK_LIMITS = {
  tier3: { count: 50, windowMs: 60_000 },
  postPerChannel: { count: 5, windowMs: 5_000 },
  postPerWorkspace: { count: 600, windowMs: 60_000 },
} as const satisfies Record<string, WindowLimit>;

/** Used share of a limit (rounded down, at least one call). */
export const share = (limit: WindowLimit, fraction: number): WindowLimit => ({
  count: Math.max(1, Math.floor(limit.count * fraction)),
  windowMs: limit.windowMs,
});

export const DEFAULT_SLACK_PACING: SlackPacing = {
  tier3: share(SLACK_LIMITS.tier3, 0.9),
  // 40 of 50: ten a minute stay free for the chat.update of clicks (apply-click.ts).
  chatUpdate: share(SLACK_LIMITS.tier3, 0.8),
  postPerChannel: share(SLACK_LIMITS.postPerChannel, 0.8),
  postPerWorkspace: share(SLACK_LIMITS.postPerWorkspace, 0.9),
  updateHorizonMs: 30_000,
};

/** The rules one Slack Web API call is paced against. */
export function slackPaceRules(
  pacing: SlackPacing,
  call: { method: "users.lookupByEmail" | "conversations.open" | "chat.update" } | { post: string },
): PaceRule[] {
  if ("post" in call) {
    return [
      { key: "slack:chat.postMessage", limits: [pacing.postPerWorkspace] },
      { key: `slack:chat.postMessage:${call.post}`, limits: [pacing.postPerChannel] },
    ];
  }
  const limit = call.method === "chat.update" ? pacing.chatUpdate : pacing.tier3;
  return [{ key: `slack:${call.method}`, limits: [limit] }];
}
