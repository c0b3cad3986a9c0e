import { type ActionKind, isReversible } from "../actions/action-registry.js";
import { UNDO_WINDOW_MS } from "../actions/undo.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { DecisionLineView } from "./build-owner-messages.js";

/** A recorded decision as the line that replaces an account's buttons in the message. */
export function toDecisionLineView(decision: DecisionRecord): DecisionLineView {
  const undoable = isReversible(decision.action) && decision.outcome === "applied";
  return {
    decisionId: decision.id,
    action: decision.action as ActionKind,
    actor: decision.actorEmail ?? decision.actorId,
    at: decision.decidedAt,
    outcome: decision.outcome === "pending" ? "failed" : decision.outcome,
    reason: decision.reason,
    expiresAt: decision.expiresAt,
    error: decision.error,
    undoUntil: undoable ? new Date(decision.decidedAt.getTime() + UNDO_WINDOW_MS) : undefined,
    ticket: decision.ticket
      ? { number: decision.ticket.number, url: decision.ticket.url, doneAt: decision.ticket.doneAt }
      : undefined,
  };
}
