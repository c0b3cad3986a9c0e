import { recordDecisionInDecidable } from "../../notify/record-decision-in-message.js";
import type { DecisionRecord } from "../../store/decisions.js";
import type { Repositories } from "../../store/store.js";
import { type AdaptiveCard, renderOwnerMessageCard } from "./render/index.js";
import { renderReviewRequestCard } from "./render/render-review-request-card.js";

/**
 * Writes a decision into the stored owner (or access review) message (outbox `m`) and returns the
 * re-rendered card: the account shows who did what and when, with Undo while open.
 */
export async function recordDecisionInCard(
  store: Pick<Repositories, "outbox">,
  outboxId: number | undefined,
  decision: DecisionRecord,
  now: Date,
): Promise<AdaptiveCard | undefined> {
  const recorded = await recordDecisionInDecidable(store, "teams", outboxId, decision);
  if (!recorded || outboxId === undefined) return undefined;
  const options = { messageId: outboxId, now };
  return recorded.kind === "review_request"
    ? renderReviewRequestCard(recorded.view, options)
    : renderOwnerMessageCard(recorded.view, options);
}
