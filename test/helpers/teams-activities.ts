/**
 * Activities as Teams sends them to a bot's `/api/messages`, for tests that drive warden's real
 * CloudAdapter over HTTP. `serviceUrl` points at the fake Bot Connector, where replies land.
 */
import type { FakeTeamsMember, StoredActivity } from "./fake-bot-connector.js";

export const TEAMS_BOT = { id: "28:warden-bot", name: "warden" };
export const TEAM_ID = "19:team-general@thread.tacv2";

let serial = 0;
const nextId = () => {
  serial += 1;
  return `incoming-${serial}`;
};

/** Teams' ids for a member as an activity's `from`. */
export const fromMember = (m: FakeTeamsMember) => ({ id: m.id, name: m.name, aadObjectId: m.aadObjectId });

/** The bot installed in a team: conversationUpdate in its General channel. */
export function teamInstall(serviceUrl: string, installer: FakeTeamsMember, tenantId: string) {
  return {
    type: "conversationUpdate",
    id: nextId(),
    channelId: "msteams",
    serviceUrl,
    from: fromMember(installer),
    recipient: TEAMS_BOT,
    conversation: { id: TEAM_ID, conversationType: "channel", isGroup: true, tenantId },
    membersAdded: [TEAMS_BOT],
    channelData: {
      team: { id: TEAM_ID, name: "Security" },
      channel: { id: TEAM_ID },
      tenant: { id: tenantId },
      eventType: "teamMemberAdded",
    },
  };
}

/** The 1:1 conversation id the fake connector gives a member. */
export const personalConversationId = (m: FakeTeamsMember) => `a:1dm-${m.id}`;

function personal(serviceUrl: string, m: FakeTeamsMember, conversationId = personalConversationId(m)) {
  return {
    id: nextId(),
    channelId: "msteams",
    serviceUrl,
    from: fromMember(m),
    recipient: TEAMS_BOT,
    conversation: { id: conversationId, conversationType: "personal", tenantId: m.tenantId },
    channelData: { tenant: { id: m.tenantId } },
  };
}

/** A text message in the member's 1:1 chat with the bot. */
export function personalMessage(serviceUrl: string, m: FakeTeamsMember, text: string) {
  return { ...personal(serviceUrl, m), type: "message", text };
}

/** A text message mentioning the bot in a channel of the team. */
export function channelMention(serviceUrl: string, m: FakeTeamsMember, text: string) {
  return {
    type: "message",
    id: nextId(),
    channelId: "msteams",
    serviceUrl,
    from: fromMember(m),
    recipient: TEAMS_BOT,
    conversation: {
      id: `${TEAM_ID};messageid=1700000000001`,
      conversationType: "channel",
      isGroup: true,
      tenantId: m.tenantId,
    },
    text: `<at>warden</at> ${text}`,
    entities: [{ type: "mention", text: "<at>warden</at>", mentioned: TEAMS_BOT }],
    channelData: { team: { id: TEAM_ID }, channel: { id: TEAM_ID }, tenant: { id: m.tenantId } },
  };
}

/** An Action.Execute click: `adaptiveCard/action` invoke, data merged with the card's inputs. */
export function executeInvoke(
  serviceUrl: string,
  m: FakeTeamsMember,
  card: { conversationId: string; activityId: string },
  action: { verb: string; data: Record<string, unknown> },
) {
  return {
    ...personal(serviceUrl, m, card.conversationId),
    type: "invoke",
    name: "adaptiveCard/action",
    replyToId: card.activityId,
    value: { action: { type: "Action.Execute", ...action }, trigger: "manual" },
  };
}

/** An Action.Submit click: a message whose `value` is the data merged with the inputs. */
export function submitMessage(
  serviceUrl: string,
  m: FakeTeamsMember,
  card: { conversationId: string; activityId: string },
  data: Record<string, unknown>,
) {
  return {
    ...personal(serviceUrl, m, card.conversationId),
    type: "message",
    replyToId: card.activityId,
    value: data,
  };
}

/** POSTs an activity to the bot; returns the HTTP status and the parsed body (invoke answers). */
export async function postActivity(
  botUrl: string,
  activity: object,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${botUrl}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** An Action.Execute found in a card. */
export interface FoundAction {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** Every Action.Execute in a card, ShowCards included. */
export function executeActions(card: unknown): FoundAction[] {
  const found: FoundAction[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === "Action.Execute") {
      found.push({ title: String(o.title), verb: String(o.verb), data: o.data as Record<string, unknown> });
    }
    for (const value of Object.values(o)) walk(value);
  };
  walk(card);
  return found;
}

/** The Adaptive Card content of a stored activity. */
export function cardOf(activity: StoredActivity | undefined): unknown {
  return activity?.attachments?.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive")
    ?.content;
}
