import type { Database } from "better-sqlite3";
import { CardFactory, type TurnContext } from "botbuilder";
import type { Logger } from "../../logger.js";
import type { ActionRequest, ActionResult } from "../../remediation/handle-action.js";
import { ACTION_IDS, decodeActionPayload } from "../../views/action-payload.js";
import { recordDecisionInCard } from "./record-decision-in-card.js";
import { type AdaptiveCard, readCardInput } from "./render/index.js";

const DAY = 86_400_000;
const KEEP_DAYS_DEFAULT = 90;
const KEEP_DAYS_MAX = 365;

export interface TeamsActionDeps {
  db: Database;
  now: () => Date;
  logger: Logger;
  handleAction: (request: ActionRequest) => Promise<ActionResult>;
  /** The clicking user's email (cached roster lookup). */
  emailOf: (context: TurnContext) => Promise<string | undefined>;
}

/** What a click led to: the core's result, and the updated card when the message changed. */
export interface TeamsActionOutcome {
  result: ActionResult;
  card: AdaptiveCard | undefined;
}

/**
 * One card action, whether it came as an Action.Execute invoke or as an Action.Submit message:
 * `data` is the action's data merged with the card's inputs, `verb` the Execute verb (absent for
 * Submit). The core decides; this builds its request, then updates the original card in place
 * (`updateActivity` on the message the click came from) so everyone in the chat sees the outcome.
 */
export async function handleTeamsAction(
  deps: TeamsActionDeps,
  context: TurnContext,
  data: Record<string, unknown>,
  verb?: string,
): Promise<TeamsActionOutcome> {
  const payload = decodeActionPayload(data);
  if (!payload || (verb !== undefined && verb !== ACTION_IDS[payload.a])) {
    return {
      result: { status: "invalid", notice: "warden does not know this button. Nothing was changed." },
      card: undefined,
    };
  }
  const { activity } = context;
  const email = await deps.emailOf(context);
  let keep: Pick<ActionRequest, "reason" | "expiresAt"> = {};
  if (payload.a === "keep") {
    const days = Number(readCardInput(data, "expiresInDays", payload) ?? KEEP_DAYS_DEFAULT);
    const valid = Number.isInteger(days) && days > 0 && days <= KEEP_DAYS_MAX ? days : KEEP_DAYS_DEFAULT;
    keep = {
      reason: readCardInput(data, "reason", payload),
      expiresAt: new Date(deps.now().getTime() + valid * DAY),
    };
  }
  const result = await deps.handleAction({
    ...keep,
    payload,
    actor: { platform: "teams", id: activity.from.id, email },
    // The same button on the same message: a double submit or a retried invoke shares it.
    idempotencyKey: `teams:${activity.conversation.id}:${activity.replyToId ?? ""}:${payload.id}:${payload.a}:${payload.d ?? ""}`,
  });
  let card: AdaptiveCard | undefined;
  if (result.status === "done" || result.status === "failed" || result.status === "duplicate") {
    card = recordDecisionInCard(deps.db, payload.m, result.decision, deps.now());
    if (card && activity.replyToId) {
      try {
        await context.updateActivity({
          type: "message",
          id: activity.replyToId,
          attachments: [CardFactory.adaptiveCard(card)],
        });
      } catch (error) {
        // The decision stands; only the shared copy of the card is out of date.
        deps.logger.warn({ err: error, replyToId: activity.replyToId }, "could not update the Teams card");
      }
    }
  }
  return { result, card };
}
