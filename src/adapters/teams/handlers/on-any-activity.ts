import type { TurnContext } from "botbuilder";
import { toConversationRef } from "../teams-conversation-ref.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/**
 * Runs first for every activity (messages, invokes, conversationUpdate, installationUpdate): its
 * conversation reference is saved (proactive messages need it), the sender's time zone when it
 * reports one, and an install or conversation event retries what waits for it.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages
 */
export async function onAnyActivity(ctx: TeamsHandlerContext, context: TurnContext): Promise<void> {
  await saveReference(ctx, context);
  await ctx.rememberTimeZone(context);
  if (context.activity.type === "conversationUpdate" || context.activity.type === "installationUpdate") {
    await onConversationSeen(ctx, context);
  }
}

async function saveReference(ctx: TeamsHandlerContext, context: TurnContext): Promise<void> {
  const { activity } = context;
  if (!activity.serviceUrl || !activity.conversation?.id) return;
  try {
    await ctx.store.conversations.saveConversationRef(toConversationRef(activity), ctx.now());
  } catch (error) {
    ctx.logger.warn({ err: error }, "could not save the Teams conversation reference");
  }
}

/**
 * An install or conversation event: in a 1:1 chat, the user's email is read (and cached) so
 * their waiting messages find this conversation; then whatever waits is retried.
 */
async function onConversationSeen(ctx: TeamsHandlerContext, context: TurnContext): Promise<void> {
  if (context.activity.conversation?.conversationType === "personal" && context.activity.from?.id) {
    await ctx.emailOf(context);
  }
  try {
    ctx.onConversationSeen?.();
  } catch (error) {
    ctx.logger.warn({ err: error }, "could not retry waiting Teams messages");
  }
}
