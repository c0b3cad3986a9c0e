import { type Activity, type ConversationReference, TurnContext } from "botbuilder";
import type { ConversationKind, ConversationRef } from "../../store/conversation-refs.js";

/**
 * The parts of Teams' `channelData` warden reads
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context).
 */
interface TeamsChannelData {
  team?: { id?: string };
  channel?: { id?: string };
  tenant?: { id?: string };
}

/**
 * The conversation reference to keep for an incoming activity, in the store's neutral shape.
 * A channel is kept under its channel id (the id operators put in TEAMS_DIGEST_CHANNEL), without
 * the ";messageid=…" of a thread and without the activity id, so a later proactive send starts a
 * new post instead of replying in whatever thread the bot last saw.
 */
export function toConversationRef(activity: Activity): Omit<ConversationRef, "updatedAt"> {
  const reference: Partial<ConversationReference> = TurnContext.getConversationReference(activity);
  delete reference.activityId;
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  const conversation = activity.conversation;
  const type = conversation.conversationType;
  const kind: ConversationKind =
    type === "channel" || type === "groupChat"
      ? type
      : type === "personal" || !conversation.isGroup
        ? "personal"
        : "groupChat";
  let conversationId = conversation.id;
  if (kind === "channel") {
    conversationId = channelData.channel?.id ?? conversation.id.split(";")[0] ?? conversation.id;
    reference.conversation = { ...conversation, id: conversationId };
  }
  const personal = kind === "personal";
  return {
    platform: "teams",
    conversationId,
    kind,
    userId: personal ? activity.from?.id : undefined,
    aadObjectId: personal ? activity.from?.aadObjectId : undefined,
    teamId: channelData.team?.id,
    tenantId: channelData.tenant?.id ?? conversation.tenantId,
    serviceUrl: activity.serviceUrl,
    reference: reference as Record<string, unknown>,
  };
}
