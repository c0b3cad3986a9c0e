import { CardFactory, type TurnContext } from "botbuilder";
import { createBulkDecider, describeBulkOutcome } from "../../../remediation/bulk-decide.js";
import { type AdaptiveCard, plainTextActivity, renderOwnerMessageCard } from "../render/index.js";
import { BULK_INPUTS } from "../render/render-bulk-card.js";
import { renderReviewRequestCard } from "../render/render-review-request-card.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/** A multi-select ChoiceSet's value: the picked values joined by commas. */
const picked = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" ? value.split(",").map((v) => v.trim()) : [];

/** Whether a click's data is the bulk form's (Execute verb BULK_VERB, or its Submit fallback). */
export const isBulkData = (data: Record<string, unknown>) => data.bulk === true && typeof data.m === "number";

/**
 * The owner card's "Decide for several…" form (and an access review card's "Still needed for
 * all…", the same form with action certify): each picked account is decided through the one
 * action handler as if its button had been clicked in this card (the click's replyToId is the
 * origin each decision is checked against), then the card is updated in place once with every
 * decision, and a reply lists what was done and skipped (plain text: names are data).
 */
export async function onBulkAction(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  data: Record<string, unknown>,
): Promise<{ card: AdaptiveCard | undefined; notice: string }> {
  const { activity } = context;
  const messageId = data.m as number;
  const bulkDecide = createBulkDecider({ store: ctx.store, handleAction: ctx.handleAction, now: ctx.now });
  const outcome = await bulkDecide({
    actor: { platform: "teams", id: activity.from.id, email: await ctx.emailOf(context) },
    messageId,
    origin: activity.replyToId
      ? { conversation: activity.conversation.id, message: activity.replyToId }
      : undefined,
    action: data[BULK_INPUTS.action],
    accounts: picked(data[BULK_INPUTS.accounts]).map(Number),
    rules: picked(data[BULK_INPUTS.rules]),
    reason: typeof data[BULK_INPUTS.reason] === "string" ? (data[BULK_INPUTS.reason] as string) : undefined,
    keepDays: data[BULK_INPUTS.days],
  });
  if (!outcome.ok) {
    await context.sendActivity(plainTextActivity(outcome.notice));
    return { card: undefined, notice: outcome.notice };
  }
  let card: AdaptiveCard | undefined;
  const recorded = outcome.recorded;
  if (recorded) {
    const options = { messageId, now: ctx.now() };
    card =
      recorded.kind === "review_request"
        ? renderReviewRequestCard(recorded.view, options)
        : renderOwnerMessageCard(recorded.view, options);
    if (activity.replyToId) {
      try {
        await context.updateActivity({
          type: "message",
          id: activity.replyToId,
          attachments: [CardFactory.adaptiveCard(card)],
        });
      } catch (error) {
        // The decisions stand and are in the stored message; only the shared copy is out of date.
        ctx.logger.warn({ err: error }, "could not update the Teams card after a bulk decision");
      }
    }
  }
  const { summary, lines } = describeBulkOutcome(outcome);
  await context.sendActivity(plainTextActivity([summary, ...lines].join("\n")));
  return { card, notice: summary };
}
