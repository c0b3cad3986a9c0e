import { CardFactory, TurnContext } from "botbuilder";
import { actionOf } from "../../../actions/action-registry.js";
import {
  type BulkOutcome,
  type BulkRequest,
  createBulkDecider,
  describeBulkOutcome,
} from "../../../remediation/bulk-decide.js";
import { plainTextActivity, renderOwnerMessageCard } from "../render/index.js";
import { BULK_INPUTS } from "../render/render-bulk-card.js";
import { renderReviewRequestCard } from "../render/render-review-request-card.js";
import { runProactiveTurn } from "../run-proactive-turn.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/** A multi-select ChoiceSet's value: the picked values joined by commas. */
const picked = (value: unknown) =>
  typeof value === "string" && value.trim() !== "" ? value.split(",").map((v) => v.trim()) : [];

/** Whether a click's data is the bulk form's (Execute verb BULK_VERB, or its Submit fallback). */
export const isBulkData = (data: Record<string, unknown>) => data.bulk === true && typeof data.m === "number";

/** "Applying Disable to 12 accounts…": what the clicker is told while the decisions run. */
export function describeBulkStart(start: Parameters<NonNullable<BulkRequest["onStart"]>>[0]): string {
  const title = actionOf(start.action).title.replace(/…$/, "");
  const accounts = `${start.count} account${start.count === 1 ? "" : "s"}`;
  return `Applying ${title} to ${accounts}… The card is updated with every decision when they are done, and warden replies here with what was done and skipped.`;
}

/**
 * The owner card's "Decide for several…" form (and an access review card's "Still needed for
 * all…", the same form with action certify): each picked account is decided through the one
 * action handler as if its button had been clicked in this card (the click's replyToId is the
 * origin each decision is checked against).
 *
 * The click is answered as soon as the form is accepted, before the decisions run: Bot Framework
 * gives an invoke (and a message turn) 10 to 15 s before Teams shows "Unable to reach app" and may
 * send it again (reference/chat.md §11; MicrosoftDocs/msteams-docs#6461), and a bulk of 100
 * decisions, each a ServiceNow write, takes longer than that. The returned notice says what is
 * being applied (the invoke's message answer; the Submit fallback replies it); when the
 * decisions are done, a proactive turn updates the card in place once with every decision and
 * replies with what was done and skipped (plain text: names are data). A refused form is answered
 * at once, naming no account.
 */
export async function onBulkAction(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  data: Record<string, unknown>,
): Promise<{ notice: string }> {
  const { activity } = context;
  const messageId = data.m as number;
  const bulkDecide = createBulkDecider({ store: ctx.store, handleAction: ctx.handleAction, now: ctx.now });
  let started: (notice: string) => void = () => {};
  const start = new Promise<string>((resolve) => {
    started = resolve;
  });
  const decided = bulkDecide({
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
    onStart: (accepted) => started(describeBulkStart(accepted)),
  });
  // Accepted (the decisions begin) or refused (the outcome comes first, and start never does).
  const first = await Promise.race([
    start.then((notice) => ({ notice })),
    decided.then((outcome) => ({ outcome })),
  ]);
  // The submitter's zone, read now: the proactive turn below has no activity of theirs.
  const timeZone = await ctx.timeZoneOf(context);
  const shown = { messageId, replyToId: activity.replyToId, timeZone };
  if ("outcome" in first) {
    const notice = first.outcome.ok ? describeBulkOutcome(first.outcome).summary : first.outcome.notice;
    await showOutcome(ctx, context, shown, first.outcome);
    return { notice };
  }
  // The turn's context is revoked once the click is answered: the rest runs in a turn of its own.
  const reference = TurnContext.getConversationReference(activity);
  const work = decided
    .then((outcome) =>
      runProactiveTurn(ctx.adapter, ctx.appId, reference, (turn) => showOutcome(ctx, turn, shown, outcome)),
    )
    .catch((error: unknown) => {
      // The decisions stand (each recorded and audited); only telling the owner failed.
      ctx.logger.warn({ err: error }, "could not show the outcome of a Teams bulk decision");
    });
  ctx.background?.(work);
  if (activity.type !== "invoke") await context.sendActivity(plainTextActivity(first.notice));
  return { notice: first.notice };
}

/**
 * The card the form is on updated with every decision (when any was recorded in it), then a
 * reply listing what was done and skipped; a refused form's notice as the reply.
 */
async function showOutcome(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  shown: { messageId: number; replyToId: string | undefined; timeZone: string | undefined },
  outcome: BulkOutcome,
): Promise<void> {
  const { messageId, replyToId, timeZone } = shown;
  if (!outcome.ok) {
    await context.sendActivity(plainTextActivity(outcome.notice));
    return;
  }
  const recorded = outcome.recorded;
  if (recorded && replyToId) {
    const options = { messageId, now: ctx.now() };
    const card =
      recorded.kind === "review_request"
        ? renderReviewRequestCard(recorded.view, options)
        : renderOwnerMessageCard(recorded.view, options);
    try {
      await context.updateActivity({
        type: "message",
        id: replyToId,
        attachments: [CardFactory.adaptiveCard(card)],
      });
    } catch (error) {
      // The decisions stand and are in the stored message; only the shared copy is out of date.
      ctx.logger.warn({ err: error }, "could not update the Teams card after a bulk decision");
    }
  }
  // Plain text renders no DATE/TIME function: times in the submitter's zone, or UTC, saying so.
  const { summary, lines } = describeBulkOutcome(outcome, { timeZone });
  await context.sendActivity(plainTextActivity([summary, ...lines].join("\n")));
}
