import type { DecisionRecord } from "../store/decisions.js";
import type { ActionKind } from "./action-payload.js";
import type { DecisionLineView } from "./build-owner-messages.js";

const UNDO_MS = 86_400_000;

/** A recorded decision as the line that replaces an account's buttons in the message. */
export function toDecisionLineView(decision: DecisionRecord): DecisionLineView {
  const undoable =
    (decision.action === "disable" || decision.action === "restrict") && decision.outcome === "applied";
  return {
    decisionId: decision.id,
    action: decision.action as ActionKind,
    actor: decision.actorEmail ?? decision.actorId,
    at: decision.decidedAt,
    outcome: decision.outcome === "pending" ? "failed" : decision.outcome,
    reason: decision.reason,
    expiresAt: decision.expiresAt,
    error: decision.error,
    undoUntil: undoable ? new Date(decision.decidedAt.getTime() + UNDO_MS) : undefined,
  };
}
