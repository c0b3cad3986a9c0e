import { UsageError } from "../errors.js";
import { buildOwnerMessages } from "../messages/build-owner-messages.js";
import { enqueueOwnerMessages } from "../notify/enqueue-owner-messages.js";
import { markFixedAccounts } from "../notify/mark-fixed-accounts.js";
import type { OutboxItem, OutboxKind } from "../store/outbox.js";
import type { Repositories } from "../store/store.js";
import { type ChatChannels, configuredChats } from "./chat-targets.js";
import type { Warden } from "./open-warden.js";

/**
 * How a message would get to its recipient:
 * - direct: the owner's chat user is known (chat user cache), so a direct message;
 * - rerouted: the owner cannot be reached, so their accounts go to the admin channel;
 * - not-looked-up: the chat user cache does not know the email (or its entry expired); warden
 *   asks the platform when it sends, and reroutes to the admin channel if the owner is not found;
 * - channel / thread / update: a channel post, a reply under an earlier message, an edit of one;
 * - unreachable: would fail (no admin channel to reroute to, a Teams channel warden never saw).
 */
export type PreviewRoute =
  | "direct"
  | "rerouted"
  | "not-looked-up"
  | "channel"
  | "thread"
  | "update"
  | "unreachable";

export interface PreviewAccount {
  userName: string;
  name: string;
  rules: string[];
}

export interface PreviewMessage {
  kind: OutboxKind;
  /** Owner email for direct messages; channel id for channel posts. */
  recipient: string;
  /** The owner's name, for direct messages. */
  recipientName: string | undefined;
  route: PreviewRoute;
  /** How it would be reached or rerouted, and why, in words. */
  detail: string;
  /** Queued by an earlier run and not sent yet (a retry); its last error, if any. */
  queuedEarlier: boolean;
  lastError: string | undefined;
  accounts: PreviewAccount[];
}

export interface PlatformPreview {
  platform: ChatChannels["platform"];
  adminChannel: string | undefined;
  messages: PreviewMessage[];
  /** Owners with risky accounts whose message is already sent and unchanged: not sent again. */
  upToDate: number;
}

export interface NotifyPreview {
  generatedAt: Date;
  platforms: PlatformPreview[];
}

/** Thrown inside the preview's transaction so that the store rolls every change back. */
class RollBack extends Error {}

/** What describing a queued item reads: the outbox, the chat user cache, the conversation references. */
type RouteStore = Pick<Repositories, "outbox" | "chatUsers" | "conversations">;

/**
 * `warden notify --preview`: who `warden notify` would message now, on each configured platform,
 * how each would be reached, and with which accounts and findings. Nothing is sent and nothing is
 * kept: notify's own queueing (fixed accounts, owner messages, admin-channel lists) runs inside one
 * transaction that is rolled back, so the preview is exactly what notify would send, and the
 * database ends as it was. Recipients are resolved from the chat user cache only (no
 * users.lookupByEmail, no Teams roster read): an owner warden has not looked up yet is shown so.
 */
export async function previewNotify(warden: Warden): Promise<NotifyPreview> {
  const { store, config } = warden;
  const targets = configuredChats(config);
  if (targets.length === 0) {
    throw new UsageError("No chat platform is configured: set SLACK_BOT_TOKEN or TEAMS_APP_ID (see README).");
  }
  const now = warden.now();
  const maxAgeMs = config.userCacheHours * 3_600_000;
  const lastId = await store.outbox.outboxMark();
  const owners = (await buildOwnerMessages(store, { now })).messages.map((m) => m.owner.email);
  const platforms: PlatformPreview[] = [];
  try {
    await store.transaction(async (tx) => {
      for (const target of targets) {
        await markFixedAccounts(tx, { platform: target.platform, now });
        await enqueueOwnerMessages(tx, { platform: target.platform, adminChannel: target.adminChannel, now });
        // An item whose stored message cannot be read is never sent (notify marks it failed).
        const pending = (await tx.outbox.listOutbox("pending", target.platform)).filter(
          (item): item is OutboxItem => !item.unreadable,
        );
        const messages: PreviewMessage[] = [];
        for (const item of pending) {
          messages.push(
            await describeItem(tx, target, item, { queuedEarlier: item.id <= lastId, now, maxAgeMs }),
          );
        }
        const messaged = new Set(pending.filter((i) => i.kind === "owner_message").map((i) => i.recipient));
        platforms.push({
          platform: target.platform,
          adminChannel: target.adminChannel,
          messages,
          upToDate: owners.filter((email) => !messaged.has(email)).length,
        });
      }
      throw new RollBack();
    });
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
  }
  return { generatedAt: now, platforms };
}

function accountsOf({ message }: OutboxItem): PreviewAccount[] {
  if (message.kind === "digest" || message.kind === "message_update") return [];
  if (message.kind === "alert") {
    return message.view.rules.flatMap((g) =>
      g.accounts.map((a) => ({ userName: a.userName, name: a.name, rules: [g.rule] })),
    );
  }
  if (message.kind === "review_follow_up") {
    // Asked about whether they are still needed, not about findings.
    return message.view.owners.flatMap((o) =>
      o.accounts.map((a) => ({ userName: a.userName, name: a.name, rules: [] })),
    );
  }
  return message.view.accounts.map((a) => ({
    userName: a.userName,
    name: a.name,
    rules: a.findings.map((f) => f.rule),
  }));
}

async function describeItem(
  store: RouteStore,
  target: ChatChannels,
  item: OutboxItem,
  options: { queuedEarlier: boolean; now: Date; maxAgeMs: number },
): Promise<PreviewMessage> {
  const route = await routeOf(store, target, item, options);
  return {
    kind: item.kind,
    recipient: item.recipient,
    recipientName: item.message.kind === "owner_message" ? item.message.view.owner.name : undefined,
    ...route,
    queuedEarlier: options.queuedEarlier,
    lastError: item.lastError,
    accounts: accountsOf(item),
  };
}

async function routeOf(
  store: RouteStore,
  target: ChatChannels,
  item: OutboxItem,
  freshness: { now: Date; maxAgeMs: number },
): Promise<{ route: PreviewRoute; detail: string }> {
  const admin = target.adminChannel;
  const reroute = (why: string): { route: PreviewRoute; detail: string } =>
    admin
      ? { route: "rerouted", detail: `rerouted to the admin channel ${admin}: ${why}` }
      : { route: "unreachable", detail: `would fail: ${why}, and no admin channel is set to reroute to` };
  const { message } = item;
  switch (message.kind) {
    case "owner_message":
      return target.platform === "slack"
        ? slackOwnerRoute(store, item.recipient, freshness, reroute, admin)
        : teamsOwnerRoute(store, item.recipient, freshness, reroute, admin);
    case "reminder":
      return { route: "thread", detail: `a reply under the message ${item.recipient} got earlier` };
    case "review_follow_up":
      if (message.view.stage !== "escalation")
        return { route: "thread", detail: `a reply under the access review message ${item.recipient} got` };
      return {
        route: "channel",
        detail: `an access review escalation: owners did not answer by the due date, posted to the channel ${item.recipient}`,
      };
    case "message_update": {
      const original = await store.outbox.getOutboxItem(message.view.outboxId);
      return {
        route: "update",
        detail: `an update, in place, of the message sent to ${original?.recipient ?? "an unknown recipient"}`,
      };
    }
    default: {
      const label = CHANNEL_POSTS[item.kind] ?? `a ${item.kind} message`;
      if (
        target.platform === "teams" &&
        !(await store.conversations.getConversationRef("teams", item.recipient))
      ) {
        if ((await store.conversations.listTeamRefs("teams")).length === 0)
          return {
            route: "unreachable",
            detail: `would fail: warden has not seen the Teams channel ${item.recipient} and is installed in no team`,
          };
      }
      return { route: "channel", detail: `${label}, posted to the channel ${item.recipient}` };
    }
  }
}

/** What a channel post is, in words. */
const CHANNEL_POSTS: Partial<Record<OutboxKind, string>> = {
  unowned: "the risky accounts with no reachable owner",
  not_mine: "an account its owner said is not theirs",
  digest: "the digest",
  alert: "an immediate alert of new findings",
  escalation: "an escalation: an owner has not answered",
};

type Reroute = (why: string) => { route: PreviewRoute; detail: string };

async function slackOwnerRoute(
  store: RouteStore,
  email: string,
  freshness: { now: Date; maxAgeMs: number },
  reroute: Reroute,
  admin: string | undefined,
): Promise<{ route: PreviewRoute; detail: string }> {
  const cached = await store.chatUsers.getChatUserId("slack", email, freshness);
  if (cached) return { route: "direct", detail: `a direct message to the Slack user ${cached}` };
  if (cached === null) return reroute("Slack has no user with this email (cached answer)");
  return {
    route: "not-looked-up",
    detail: `not yet looked up: warden asks Slack for this email (users.lookupByEmail) when it sends${
      admin ? `; if Slack does not know it, the accounts go to the admin channel ${admin}` : ""
    }`,
  };
}

async function teamsOwnerRoute(
  store: RouteStore,
  email: string,
  freshness: { now: Date; maxAgeMs: number },
  reroute: Reroute,
  admin: string | undefined,
): Promise<{ route: PreviewRoute; detail: string }> {
  const cached = await store.chatUsers.getChatUserId("teams", email, freshness);
  if (cached && (await store.conversations.findPersonalRef("teams", { userId: cached }))) {
    return { route: "direct", detail: `a direct message in the 1:1 chat with the Teams user ${cached}` };
  }
  const teams = (await store.conversations.listTeamRefs("teams")).length;
  if (teams === 0) return reroute("warden is not installed in any Teams team, so the owner cannot be found");
  if (cached) return { route: "direct", detail: `a new 1:1 chat with the Teams user ${cached}` };
  return {
    route: "not-looked-up",
    detail: `not yet looked up: warden searches the roster of the ${teams === 1 ? "team" : `${teams} teams`} it is installed in when it sends${
      admin ? `; if the owner is not there, the accounts go to the admin channel ${admin}` : ""
    }`,
  };
}
