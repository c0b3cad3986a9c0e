import type { Config } from "../config/load-config.js";
import type { OutboxSender } from "../notify/deliver-outbox.js";
import type { Warden } from "./open-warden.js";

export type ChatPlatformName = "slack" | "teams";

/** One configured chat platform and its channels, from the configuration alone (no SDK loaded). */
export interface ChatChannels {
  platform: ChatPlatformName;
  digestChannel: string | undefined;
  adminChannel: string | undefined;
}

/** One configured chat platform: how to send to it and its channels. */
export interface ChatTarget extends ChatChannels {
  sender: OutboxSender;
}

/** Every configured chat platform (Slack with a bot token; Teams with an app id or TEAMS_ENABLED). */
export function configuredChats(config: Config): ChatChannels[] {
  const chats: ChatChannels[] = [];
  if (config.slack.botToken) {
    chats.push({
      platform: "slack",
      digestChannel: config.slack.digestChannel,
      adminChannel: config.slack.adminChannel,
    });
  }
  if (config.teams.enabled) {
    chats.push({
      platform: "teams",
      digestChannel: config.teams.digestChannel,
      adminChannel: config.teams.adminChannel,
    });
  }
  return chats;
}

/**
 * Every configured chat platform with its sender, over the process's one Slack client and one
 * Teams adapter (warden.chat). The senders hold no state of their own (what they cache is in the
 * database), so one is made per call.
 */
export async function chatTargets(warden: Warden): Promise<ChatTarget[]> {
  const targets: ChatTarget[] = [];
  for (const chat of configuredChats(warden.config)) {
    const target = await chatTarget(warden, chat.platform);
    if (target) targets.push(target);
  }
  return targets;
}

/** One configured platform with its sender; undefined when it is not configured. */
export async function chatTarget(
  warden: Warden,
  platform: ChatPlatformName,
): Promise<ChatTarget | undefined> {
  const { config, store, now } = warden;
  const chat = configuredChats(config).find((c) => c.platform === platform);
  if (!chat) return undefined;
  const userCacheMs = config.userCacheHours * 3_600_000;
  if (platform === "slack") {
    const slack = await warden.chat.slack();
    if (!slack) return undefined;
    const { createSlackSender } = await import("../adapters/slack/create-slack-sender.js");
    return { ...chat, sender: createSlackSender({ client: slack.client, store, now, userCacheMs }) };
  }
  const teams = await warden.chat.teams();
  if (!teams) return undefined;
  const { createTeamsSender } = await import("../adapters/teams/create-teams-sender.js");
  return {
    ...chat,
    sender: createTeamsSender({ adapter: teams.adapter, appId: teams.appId, store, now, userCacheMs }),
  };
}
