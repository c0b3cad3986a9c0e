import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from "botbuilder";
import { handleTeamsAction } from "../handle-teams-action.js";
import { MINE_VERB } from "../render/index.js";
import { BULK_VERB } from "../render/render-bulk-card.js";
import type { TeamsHandlerContext } from "./handler-context.js";
import { isBulkData, onBulkAction } from "./on-bulk-action.js";
import { isFromMineCard, renderMineCardFor } from "./on-mine-action.js";
import { readerNotice } from "./reader-notice.js";

const CARD = "application/vnd.microsoft.card.adaptive";
const MESSAGE = "application/vnd.microsoft.activity.message";

/**
 * An invoke answer. botbuilder types `value` as an object, but the message type carries a plain
 * string (AdaptiveCardInvokeResponse docs), hence the cast.
 * https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/universal-action-model
 */
const invokeAnswer = (type: string, value: unknown): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type,
  value: value as Record<string, unknown>,
});

/**
 * An Action.Execute click (an adaptiveCard/action invoke): the shared action handler decides; the
 * `mine` card's page buttons draw it again.
 * Teams shows the returned card to the clicker at once; the others see the updateActivity. A
 * message answer is a string shown to the clicker only: not an activity, it carries no mention
 * entities, and the notice is left as the core wrote it.
 */
export async function onCardAction(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  invokeValue: AdaptiveCardInvokeValue,
): Promise<AdaptiveCardInvokeResponse> {
  const data = (invokeValue.action.data ?? {}) as Record<string, unknown>;
  if (invokeValue.action.verb === BULK_VERB && isBulkData(data)) {
    // Answered before the decisions run; the card is updated when they are done (onBulkAction).
    return invokeAnswer(MESSAGE, (await onBulkAction(ctx, context, data)).notice);
  }
  if (invokeValue.action.verb === MINE_VERB)
    return invokeAnswer(CARD, await renderMineCardFor(ctx, context, data));
  const { result, card } = await handleTeamsAction(ctx.actions, context, data, invokeValue.action.verb);
  if (!card && data.m === undefined && isFromMineCard(data)) {
    // A decision from the `mine` card (no owner message to update): the card is drawn again with
    // the account's outcome, and anything not done said on top.
    const notice = result.status === "done" ? undefined : await readerNotice(ctx, context, result);
    return invokeAnswer(CARD, await renderMineCardFor(ctx, context, data, notice));
  }
  return card ? invokeAnswer(CARD, card) : invokeAnswer(MESSAGE, await readerNotice(ctx, context, result));
}
