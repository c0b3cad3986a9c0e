import type { Database } from "better-sqlite3";
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  CardFactory,
  type CloudAdapter,
  TeamsInfo,
  TurnContext,
} from "botbuilder";
import type { Request, Response } from "express";
import { type ChatCommandDeps, runChatCommand } from "../../chat/run-chat-command.js";
import { normalizeEmail } from "../../identity/normalize-email.js";
import type { Logger } from "../../logger.js";
import type { ActionRequest, ActionResult } from "../../remediation/handle-action.js";
import { forgetChatUser, getChatUserEmail, saveChatUser } from "../../store/chat-users.js";
import { saveConversationRef } from "../../store/conversation-refs.js";
import { buildLookup } from "../../views/build-lookup.js";
import { handleTeamsAction, type TeamsActionDeps, type TeamsActionOutcome } from "./handle-teams-action.js";
import {
  plainTextActivity,
  renderDigestCard,
  renderHelpCard,
  renderLookupCard,
  renderNoticeCard,
} from "./render/index.js";
import { toConversationRef } from "./teams-conversation-ref.js";

export interface TeamsBotDeps {
  adapter: CloudAdapter;
  db: Database;
  now: () => Date;
  logger: Logger;
  admins: readonly string[];
  /** How long a user's email read from Teams is trusted (WARDEN_USER_CACHE_HOURS), in ms. */
  userCacheMs: number;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  startScan?: ChatCommandDeps["startScan"];
  /** WARDEN_LOOKUP (default "owners"). */
  lookup?: ChatCommandDeps["lookup"];
  /**
   * Called after an install or conversationUpdate event was saved: messages waiting because warden
   * was not installed, a channel not seen or an owner in no roster may go out now. Not awaited by
   * the turn (Teams wants an answer quickly).
   */
  onConversationSeen?: () => void;
}

const CARD = "application/vnd.microsoft.card.adaptive";
const MESSAGE = "application/vnd.microsoft.activity.message";

/**
 * An invoke answer. botbuilder types `value` as an object, but the message type carries a plain
 * string (AdaptiveCardInvokeResponse docs), hence the cast.
 */
const invokeAnswer = (type: string, value: unknown): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type,
  value: value as Record<string, unknown>,
});

/**
 * warden's Teams bot: every incoming activity refreshes its conversation reference; text commands
 * (in a 1:1 chat, or by @mention in a channel) go to runChatCommand; card clicks (Action.Execute
 * invokes and the Action.Submit fallback) go to the shared action handler. Nothing is decided here.
 */
class WardenTeamsBot extends ActivityHandler {
  readonly #deps: TeamsBotDeps;
  readonly #actions: TeamsActionDeps;

  constructor(deps: TeamsBotDeps) {
    super();
    this.#deps = deps;
    this.#actions = {
      db: deps.db,
      now: deps.now,
      logger: deps.logger,
      handleAction: deps.handleAction,
      admins: deps.admins,
      emailOf: (context) => this.#emailOf(context),
    };
    // Runs first for every activity (messages, invokes, conversationUpdate, installationUpdate).
    this.onTurn(async (context, next) => {
      this.#saveReference(context);
      if (context.activity.type === "conversationUpdate" || context.activity.type === "installationUpdate") {
        await this.#onConversationSeen(context);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.#onMessage(context);
      await next();
    });
  }

  #saveReference(context: TurnContext): void {
    const { activity } = context;
    if (!activity.serviceUrl || !activity.conversation?.id) return;
    try {
      saveConversationRef(this.#deps.db, toConversationRef(activity), this.#deps.now());
    } catch (error) {
      this.#deps.logger.warn({ err: error }, "could not save the Teams conversation reference");
    }
  }

  /**
   * An install or conversation event: in a 1:1 chat, the user's email is read (and cached) so
   * their waiting messages find this conversation; then whatever waits is retried.
   */
  async #onConversationSeen(context: TurnContext): Promise<void> {
    if (context.activity.conversation?.conversationType === "personal" && context.activity.from?.id) {
      await this.#emailOf(context);
    }
    try {
      this.#deps.onConversationSeen?.();
    } catch (error) {
      this.#deps.logger.warn({ err: error }, "could not retry waiting Teams messages");
    }
  }

  /**
   * The acting user's email, normalised: cached in chat_users while younger than
   * WARDEN_USER_CACHE_HOURS, else read again from the conversation's roster (TeamsInfo.getMember),
   * so a user whose email changed stops acting as the old address's owner.
   * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/get-teams-context#get-single-member-details
   */
  async #emailOf(context: TurnContext): Promise<string | undefined> {
    const { db, now, logger, userCacheMs } = this.#deps;
    const userId = context.activity.from.id;
    const cached = getChatUserEmail(db, "teams", userId, { now: now(), maxAgeMs: userCacheMs });
    if (cached) return cached;
    try {
      const member = await TeamsInfo.getMember(context, userId);
      const email = normalizeEmail(member.email ?? member.userPrincipalName);
      if (email) saveChatUser(db, "teams", email, member.id ?? userId, now());
      else forgetChatUser(db, "teams", member.id ?? userId);
      return email;
    } catch (error) {
      logger.warn({ err: error, userId }, "could not read the Teams user's email");
      return undefined;
    }
  }

  async #onMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    const value = activity.value as Record<string, unknown> | undefined;
    if (value && typeof value === "object") {
      // Action.Submit (the fallback of Action.Execute): data merged with the inputs.
      const { result, card } = await handleTeamsAction(this.#actions, context, value);
      if (result.status !== "done" || !card) await this.#replyNotice(context, result);
      return;
    }
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? "";
    const { db, now, admins, startScan, lookup, logger } = this.#deps;
    const email = await this.#emailOf(context);
    const reply = runChatCommand(
      { db, now, admins, logger, ...(startScan ? { startScan } : {}), ...(lookup ? { lookup } : {}) },
      text.replace(/<[^>]+>/g, ""),
      email,
      { platform: "teams", id: activity.from.id },
    );
    // Lookups and the score are private, as in Slack: in a channel, the answer goes to a 1:1 chat.
    if (
      (reply.kind === "lookup" || reply.kind === "score") &&
      activity.conversation.conversationType === "channel"
    ) {
      await context.sendActivity(
        plainTextActivity(
          "Lookups are private: send me the same words in a 1:1 chat with warden (Chat → warden), and I will answer there.",
        ),
      );
      return;
    }
    const card =
      reply.kind === "lookup"
        ? renderLookupCard(reply.view)
        : reply.kind === "score"
          ? renderDigestCard(reply.view)
          : reply.kind === "help"
            ? renderHelpCard()
            : undefined;
    await context.sendActivity(
      card
        ? { type: "message", attachments: [CardFactory.adaptiveCard(card)] }
        : plainTextActivity("notice" in reply ? reply.notice : ""),
    );
  }

  async #replyNotice(context: TurnContext, result: TeamsActionOutcome["result"]): Promise<void> {
    const current =
      result.status === "stale"
        ? renderLookupCard(buildLookup(this.#deps.db, decodeTarget(context.activity.value)))
        : undefined;
    await context.sendActivity(
      current
        ? {
            type: "message",
            attachments: [CardFactory.adaptiveCard(renderNoticeCard(result.notice, current))],
          }
        : plainTextActivity(result.notice),
    );
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = (invokeValue.action.data ?? {}) as Record<string, unknown>;
    const { result, card } = await handleTeamsAction(this.#actions, context, data, invokeValue.action.verb);
    // Teams shows the returned card to the clicker at once; the others see the updateActivity.
    // A message answer is a string shown to the clicker only: not an activity, it carries no
    // mention entities, and the notice is left as the core wrote it.
    return card ? invokeAnswer(CARD, card) : invokeAnswer(MESSAGE, result.notice);
  }
}

/** The account id a click was about, for the stale notice's current state. */
function decodeTarget(value: unknown): string {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : "";
}

/**
 * The Teams endpoint: an express handler for `POST /api/messages` (mount it behind
 * `express.json()`), running warden's bot on botbuilder's CloudAdapter.
 */
export function createTeamsBot(deps: TeamsBotDeps) {
  const bot = new WardenTeamsBot(deps);
  const handler = async (request: Request, response: Response): Promise<void> => {
    await deps.adapter.process(request, response, (context) => bot.run(context));
  };
  return { bot, handler };
}
