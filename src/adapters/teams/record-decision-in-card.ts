import { recordDecisionInMessage } from "../../notify/record-decision-in-message.js";
import type { DecisionRecord } from "../../store/decisions.js";
import type { Repositories } from "../../store/store.js";
import { type AdaptiveCard, renderOwnerMessageCard } from "./render/index.js";

/**
 * Writes a decision into the stored owner message (outbox `m`) and returns the re-rendered card:
 * the account shows who did what and when, with Undo while open.
 */
export async function recordDecisionInCard(
  store: Pick<Repositories, "outbox">,
  outboxId: number | undefined,
  decision: DecisionRecord,
  now: Date,
): Promise<AdaptiveCard | undefined> {
  const view = await recordDecisionInMessage(store, "teams", outboxId, decision);
  return view && outboxId !== undefined
    ? renderOwnerMessageCard(view, { messageId: outboxId, now })
    : undefined;
}
