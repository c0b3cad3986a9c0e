import { CardFactory, TurnContext } from "botbuilder";
import { runChatCommand } from "../../../chat/run-chat-command.js";
import { buildLookup } from "../../../messages/build-lookup.js";
import { handleTeamsAction, type TeamsActionOutcome } from "../handle-teams-action.js";
import {
  type AdaptiveCard,
  plainTextActivity,
  renderDigestCard,
  renderHelpCard,
  renderLookupCard,
  renderMineCard,
  renderNoticeCard,
} from "../render/index.js";
import type { TeamsHandlerContext } from "./handler-context.js";
import { isBulkData, onBulkAction } from "./on-bulk-action.js";
import { isFromMineCard, renderMineCardFor } from "./on-mine-action.js";
import { readerNotice } from "./reader-notice.js";

/**
 * A message to the bot: an Action.Submit click (the fallback of Action.Execute, its data merged
 * with the inputs) goes to the shared action handler; text (in a 1:1 chat, or by @mention in a
 * channel) goes to runChatCommand. Lookups and the score are answered in a 1:1 chat only.
 */
export async function onMessage(ctx: TeamsHandlerContext, context: TurnContext): Promise<void> {
  const { activity } = context;
  const value = activity.value as Record<string, unknown> | undefined;
  if (value && typeof value === "object" && isBulkData(value)) {
    // The bulk form's Action.Submit fallback: the reply is the result.
    await onBulkAction(ctx, context, value);
    return;
  }
  if (value && typeof value === "object") {
    if (typeof value.mine === "number") {
      await showMineCard(context, await renderMineCardFor(ctx, context, value));
      return;
    }
    const { result, card } = await handleTeamsAction(ctx.actions, context, value);
    if (!card && value.m === undefined && isFromMineCard(value)) {
      const notice = result.status === "done" ? undefined : await readerNotice(ctx, context, result);
      await showMineCard(context, await renderMineCardFor(ctx, context, value, notice));
      return;
    }
    if (result.status !== "done" || !card) await replyNotice(ctx, context, result);
    return;
  }
  const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? "";
  const { store, now, admins, startScan, lookup, logger, ticketMode } = ctx;
  const email = await ctx.emailOf(context);
  const reply = await runChatCommand(
    {
      store,
      now,
      admins,
      logger,
      ticketMode,
      ...(startScan ? { startScan } : {}),
      ...(lookup ? { lookup } : {}),
    },
    text.replace(/<[^>]+>/g, ""),
    email,
    { platform: "teams", id: activity.from.id },
  );
  // Lookups and the score are private, as in Slack: in a channel or a group chat, the answer goes
  // to a 1:1 chat ("personal": https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/conversations/conversation-basics).
  if (
    (reply.kind === "lookup" || reply.kind === "score" || reply.kind === "mine") &&
    activity.conversation.conversationType !== "personal"
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
      ? renderLookupCard(reply.view, { timeZone: await ctx.timeZoneOf(context) })
      : reply.kind === "mine"
        ? renderMineCard(reply.view, { now: now() })
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

/**
 * The `mine` card after an Action.Submit (older clients): the card clicked is replaced in place,
 * or, if Teams did not say which it was, sent anew.
 */
async function showMineCard(context: TurnContext, card: AdaptiveCard): Promise<void> {
  // Submit data is whatever the client sent: `mine` data from a card in a channel (a digest, an
  // alert) must neither replace that card for everyone nor show the clicker's accounts there.
  if (context.activity.conversation?.conversationType !== "personal") {
    await context.sendActivity({
      type: "message",
      textFormat: "plain",
      text: "Your machine identities are shown in your 1:1 chat with warden: send mine there.",
    });
    return;
  }
  const attachments = [CardFactory.adaptiveCard(card)];
  const id = context.activity.replyToId;
  if (id) await context.updateActivity({ type: "message", id, attachments });
  else await context.sendActivity({ type: "message", attachments });
}

async function replyNotice(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  result: TeamsActionOutcome["result"],
): Promise<void> {
  const timeZone = await ctx.timeZoneOf(context);
  const current =
    result.status === "stale"
      ? renderLookupCard(await buildLookup(ctx.store, decodeTarget(context.activity.value)), { timeZone })
      : undefined;
  const notice = await readerNotice(ctx, context, result);
  await context.sendActivity(
    current
      ? {
          type: "message",
          attachments: [CardFactory.adaptiveCard(renderNoticeCard(notice, current))],
        }
      : plainTextActivity(notice),
  );
}

/** The account id a click was about, for the stale notice's current state. */
function decodeTarget(value: unknown): string {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : "";
}
