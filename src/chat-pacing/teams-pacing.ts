import type { PaceRule, WindowLimit } from "./rate-pacer.js";
import { share } from "./slack-pacing.js";

/**
 * Teams' published throughput: per bot per conversation 7 operations a second, 8 in 2 s, 60 in 30 s
 * and 1800 in an hour, and 50 requests a second per app per tenant; "estimation only", with 429s
 * still possible (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
 */
export const TEAMS_LIMITS = {
  perConversation: [
    { count: 7, windowMs: 1_000 },
    { count: 8, windowMs: 2_000 },
    { count: 60, windowMs: 30_000 },
    { count: 1800, windowMs: 3_600_000 },
  ],
  perBot: [{ count: 50, windowMs: 1_000 }],
} as const satisfies Record<string, readonly WindowLimit[]>;

export interface TeamsPacing {
  perConversation: readonly WindowLimit[];
  perBot: readonly WindowLimit[];
}

/** 80% of each published figure: they are estimates. */
export const DEFAULT_TEAMS_PACING: TeamsPacing = {
  perConversation: TEAMS_LIMITS.perConversation.map((l) => share(l, 0.8)),
  perBot: TEAMS_LIMITS.perBot.map((l) => share(l, 0.8)),
};

/** The rules one Bot Connector call in `conversationId` (a roster read, a send, an update) is paced against. */
export function teamsPaceRules(pacing: TeamsPacing, conversationId: string): PaceRule[] {
  return [
    { key: "teams:bot", limits: pacing.perBot },
    // A channel thread ("…;messageid=…") is a conversation of its own for the limit, as for Teams.
    { key: `teams:conversation:${conversationId}`, limits: pacing.perConversation },
  ];
}
