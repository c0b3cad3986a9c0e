import {
  type Activity,
  CardFactory,
  type CloudAdapter,
  type ConversationReference,
  type TeamsChannelAccount,
  TeamsInfo,
  TurnContext,
} from "botbuilder";
import type { RatePacer } from "../../chat-pacing/rate-pacer.js";
import { sharedPacer } from "../../chat-pacing/shared-pacer.js";
import { DEFAULT_TEAMS_PACING, type TeamsPacing, teamsPaceRules } from "../../chat-pacing/teams-pacing.js";
import { type OutboxSender, UnreachableRecipientError } from "../../notify/deliver-outbox.js";
import { DeliveryError } from "../../notify/delivery-error.js";
import type { TeamsMessageRef } from "../../notify/message-ref.js";
import { sentOwnerMessageLookup } from "../../notify/sent-owner-message-lookup.js";
import type { ConversationRef } from "../../store/conversation-refs.js";
import type { OutboxItem } from "../../store/outbox.js";
import type { Repositories } from "../../store/store.js";
import type { AdaptiveCard } from "./render/index.js";
import { renderOutboxMessage } from "./render/render-outbox-message.js";
import type { TeamsDelivery } from "./render/teams-delivery.js";
import { runProactiveTurn } from "./run-proactive-turn.js";
import { toOutboxError } from "./to-outbox-error.js";

export interface TeamsSenderDeps {
  adapter: CloudAdapter;
  /** TEAMS_APP_ID; empty in emulator mode. */
  appId: string;
  /** The chat user cache, conversation references, and the outbox (an update's original message). */
  store: Pick<Repositories, "chatUsers" | "conversations" | "outbox">;
  now: () => Date;
  /** How long a cached email → Teams user id answer is used before the roster is asked again, in ms. */
  userCacheMs: number;
  /** The budgets calls are paced against (DEFAULT_TEAMS_PACING). */
  pacing?: Partial<TeamsPacing>;
  /** Shared by every sender of one adapter by default (sharedPacer). */
  pacer?: RatePacer;
}

type Reference = Partial<ConversationReference>;

/**
 * botbuilder falls back to the public cloud's audience only when none is given (null, as the
 * official samples pass); its type says string, hence the cast.
 */
const DEFAULT_AUDIENCE = undefined as unknown as string;

/**
 * Sends outbox items to Teams; the card is rendered from the stored view by the kind's renderer
 * (TEAMS_RENDERERS), this is transport only. Owners are found by email/UPN in the roster of a team where warden
 * is installed (Teams cannot message by email, send-proactive-messages.md), their 1:1 chat is
 * reused or created, and the card is sent proactively. Digest and admin messages go to the channel
 * id in the item's recipient. Failures become the outbox's RateLimitedError and DeliveryError
 * (UnreachableRecipientError for owners), retried or refused (see toOutboxError).
 */
export function createTeamsSender(deps: TeamsSenderDeps): OutboxSender {
  const { adapter, appId, store } = deps;
  const pacing: TeamsPacing = { ...DEFAULT_TEAMS_PACING, ...deps.pacing };
  const pacer = deps.pacer ?? sharedPacer(adapter);
  /** Paced per bot, and per conversation when the call is in one (a new 1:1 is not yet). */
  const pace = (conversationId: string | undefined) => {
    const rules = teamsPaceRules(pacing, conversationId ?? "");
    return pacer.take(conversationId ? rules : rules.slice(0, 1));
  };

  /** Runs `logic` in a proactive turn (runProactiveTurn), paced. */
  async function inTurn<T>(reference: Reference, logic: (context: TurnContext) => Promise<T>): Promise<T> {
    // Each turn here makes one Bot Connector call (a roster read, a send, an update).
    await pace(reference.conversation?.id);
    return runProactiveTurn(adapter, appId, reference, logic);
  }

  /**
   * The owner in the roster of any team warden is installed in, by Entra object id when known
   * (getTeamMember takes "Teams user ID, UPN, or Azure AD Object ID",
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context),
   * else by email or UPN.
   */
  async function findMember(
    email: string,
    directoryId?: string,
  ): Promise<{ member: TeamsChannelAccount; team: ConversationRef }> {
    const teams = await store.conversations.listTeamRefs("teams");
    if (teams.length === 0) {
      throw new UnreachableRecipientError(
        `warden is not installed in any Teams team, so ${email} cannot be looked up`,
      );
    }
    for (const team of teams) {
      let member: TeamsChannelAccount | undefined;
      try {
        member = await inTurn(team.reference as Reference, (context) =>
          TeamsInfo.getTeamMember(context, team.teamId, directoryId ?? email),
        );
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) continue;
        throw error;
      }
      if (member?.id) return { member, team };
    }
    throw new UnreachableRecipientError(`no member ${email} in the Teams teams where warden is installed`);
  }

  /**
   * The owner's 1:1 conversation: known, or created (the bot must be installed for them). An
   * owner known by Entra object id (an Entra app's owner) is found by it: their own conversation
   * with warden if they have one, else the roster; the email only names them in errors.
   */
  async function personalReference(email: string, directoryId?: string): Promise<Reference> {
    if (directoryId) {
      const mine = await store.conversations.findPersonalRef("teams", { aadObjectId: directoryId });
      if (mine) return mine.reference as Reference;
    }
    const cachedId = await store.chatUsers.getChatUserId("teams", email, {
      now: deps.now(),
      maxAgeMs: deps.userCacheMs,
    });
    const known = cachedId
      ? await store.conversations.findPersonalRef("teams", { userId: cachedId })
      : undefined;
    if (known) return known.reference as Reference;
    const { member, team } = await findMember(email, directoryId);
    await store.chatUsers.saveChatUser("teams", email, member.id, deps.now());
    const existing = await store.conversations.findPersonalRef("teams", {
      userId: member.id,
      aadObjectId: member.aadObjectId,
    });
    if (existing) return existing.reference as Reference;
    const tenantId = member.tenantId ?? team.tenantId;
    let created: Reference | undefined;
    await pace(undefined);
    await adapter.createConversationAsync(
      appId,
      "msteams",
      team.serviceUrl,
      appId ? DEFAULT_AUDIENCE : "",
      {
        isGroup: false,
        bot: (team.reference as Reference).bot ?? { id: appId, name: "warden" },
        members: [{ id: member.id, name: member.name }],
        // Teams needs the tenant in channelData to create a 1:1 (Microsoft-Teams-Samples bot-conversation).
        channelData: tenantId ? { tenant: { id: tenantId } } : {},
        ...(tenantId ? { tenantId } : {}),
      },
      async (context) => {
        created = TurnContext.getConversationReference(context.activity);
      },
    );
    if (!created?.conversation?.id) throw new Error(`Teams created no conversation for ${email}`);
    delete created.activityId;
    await store.conversations.saveConversationRef(
      {
        platform: "teams",
        conversationId: created.conversation.id,
        kind: "personal",
        userId: member.id,
        aadObjectId: member.aadObjectId,
        teamId: undefined,
        tenantId,
        serviceUrl: team.serviceUrl,
        reference: {
          ...created,
          user: { id: member.id, name: member.name, aadObjectId: member.aadObjectId },
        },
      },
      deps.now(),
    );
    return created;
  }

  /**
   * A channel's reference: the one saved when warden saw it, else built from a team reference,
   * since a bot installed in a team may post to any of its channels by channel id.
   */
  async function channelReference(channelId: string): Promise<Reference> {
    const saved = await store.conversations.getConversationRef("teams", channelId);
    if (saved) return saved.reference as Reference;
    const team = (await store.conversations.listTeamRefs("teams"))[0];
    if (!team) {
      // Cleared by an install: the install event retries what waits (createTeamsBot's onConversationSeen).
      throw new DeliveryError(
        `warden has not seen the Teams channel ${channelId}: install it in that channel's team`,
      );
    }
    return {
      ...(team.reference as Reference),
      conversation: { id: channelId, isGroup: true, conversationType: "channel", name: "" },
    };
  }

  async function sendCard(reference: Reference, card: AdaptiveCard): Promise<TeamsMessageRef> {
    const activity: Partial<Activity> = { type: "message", attachments: [CardFactory.adaptiveCard(card)] };
    const activityId = await inTurn(
      reference,
      async (context) => (await context.sendActivity(activity))?.id ?? "",
    );
    return {
      platform: "teams",
      conversationId: reference.conversation?.id ?? "",
      activityId,
      serviceUrl: reference.serviceUrl ?? "",
    };
  }

  /** The saved reference of the conversation a sent message is in. */
  async function conversationOf(ref: TeamsMessageRef, missing: string): Promise<Reference> {
    const saved = await store.conversations.getConversationRef("teams", ref.conversationId);
    if (!saved) throw new Error(missing);
    return saved.reference as Reference;
  }

  /** Sends a new card, or updates one in place; returns where it is. */
  async function deliver(delivery: TeamsDelivery): Promise<TeamsMessageRef> {
    if ("update" in delivery) {
      const ref = delivery.at;
      const reference = await conversationOf(
        ref,
        `warden has no reference for conversation ${ref.conversationId}`,
      );
      const update = {
        type: "message",
        id: ref.activityId,
        attachments: [CardFactory.adaptiveCard(delivery.update)],
      };
      await inTurn(reference, async (context) => {
        await context.updateActivity(update);
      });
      return ref;
    }
    const to = delivery.to;
    const reference =
      "owner" in to
        ? await personalReference(to.owner, to.directoryId)
        : "conversationOf" in to
          ? await conversationOf(to.conversationOf, "the reminder's conversation is unknown")
          : await channelReference(to.channel);
    return sendCard(reference, delivery.post);
  }

  return {
    platform: "teams",
    async send(item: OutboxItem) {
      try {
        const delivery = renderOutboxMessage(item.message, {
          messageId: item.id,
          recipient: item.recipient,
          now: deps.now(),
          sentOwnerMessage: await sentOwnerMessageLookup(store, "teams", item.message),
        });
        return { ref: await deliver(delivery) };
      } catch (error) {
        throw toOutboxError(error, item.recipient, { direct: item.kind === "owner_message" });
      }
    },
  };
}
