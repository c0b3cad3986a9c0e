import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  TeamsActivityHandler,
  type TurnContext,
} from "botbuilder";
import type { Request, Response } from "express";
import type { TeamsBotDeps, TeamsHandlerContext } from "./handlers/handler-context.js";
import { onAnyActivity } from "./handlers/on-any-activity.js";
import { onCardAction } from "./handlers/on-card-action.js";
import { onMessage } from "./handlers/on-message.js";
import { onSearchQuery } from "./handlers/on-search-query.js";
import { readTeamsTimeZone } from "./handlers/read-teams-time-zone.js";
import { readTeamsUserEmail } from "./handlers/read-teams-user-email.js";

export type { TeamsBotDeps } from "./handlers/handler-context.js";

/**
 * warden's Teams bot: every incoming activity refreshes its conversation reference; text commands
 * (in a 1:1 chat, or by @mention in a channel) go to runChatCommand; card clicks (Action.Execute
 * invokes and the Action.Submit fallback) go to the shared action handler. Nothing is decided
 * here; the handlers (handlers/, one per activity kind) turn activities into calls to the core.
 * TeamsActivityHandler (not ActivityHandler) for the search message extension's
 * composeExtension/query; every other invoke, adaptiveCard/action included, reaches ActivityHandler.
 * https://learn.microsoft.com/en-us/azure/bot-service/bot-activity-handler-concept
 */
class WardenTeamsBot extends TeamsActivityHandler {
  readonly #ctx: TeamsHandlerContext;

  constructor(deps: TeamsBotDeps) {
    super();
    const emailOf = readTeamsUserEmail(deps);
    const zones = readTeamsTimeZone(deps);
    this.#ctx = {
      ...deps,
      emailOf,
      timeZoneOf: zones.timeZoneOf,
      rememberTimeZone: zones.remember,
      actions: {
        store: deps.store,
        now: deps.now,
        logger: deps.logger,
        handleAction: deps.handleAction,
        admins: deps.admins,
        emailOf,
      },
    };
    this.onTurn(async (context, next) => {
      await onAnyActivity(this.#ctx, context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await onMessage(this.#ctx, context);
      await next();
    });
  }

  protected override onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return onCardAction(this.#ctx, context, invokeValue);
  }

  protected override handleTeamsMessagingExtensionQuery(
    context: TurnContext,
    query: MessagingExtensionQuery,
  ): Promise<MessagingExtensionResponse> {
    return onSearchQuery(this.#ctx, context, query);
  }
}

/**
 * The Teams endpoint: an express handler for `POST /api/messages` (mount it behind
 * `express.json()`), running warden's bot on the process's CloudAdapter.
 */
export function createTeamsBot(deps: TeamsBotDeps) {
  const bot = new WardenTeamsBot(deps);
  const handler = async (request: Request, response: Response): Promise<void> => {
    await deps.adapter.process(request, response, (context) => bot.run(context));
  };
  return { bot, handler };
}
