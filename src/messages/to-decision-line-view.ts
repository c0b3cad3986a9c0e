import { type ActionKind, actionOf, isActionKind, isReversible } from "../actions/action-registry.js";
import { UNDO_WINDOW_MS } from "../actions/undo.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { DecisionLineView } from "./build-owner-messages.js";

/** A recorded decision as the line that replaces an account's buttons in the message. */
export function toDecisionLineView(decision: DecisionRecord): DecisionLineView {
  const undoable = isReversible(decision.action) && decision.outcome === "applied";
  // What was changed only where something was (a dry run's "after" is what it would have written).
  const detail =
    isActionKind(decision.action) && (decision.outcome === "applied" || decision.outcome === "already")
      ? actionOf(decision.action).detail?.(decision.before, decision.after)
      : undefined;
  return {
    decisionId: decision.id,
    action: decision.action as ActionKind,
    actor: decision.actorEmail ?? decision.actorId,
    actorRef: { platform: decision.actorPlatform, id: decision.actorId },
    at: decision.decidedAt,
    outcome: decision.outcome === "pending" ? "failed" : decision.outcome,
    reason: decision.reason,
    expiresAt: decision.expiresAt,
    error: decision.error,
    undoUntil: undoable ? new Date(decision.decidedAt.getTime() + UNDO_WINDOW_MS) : undefined,
    ...(detail ? { detail } : {}),
    ticket: decision.ticket
      ? { number: decision.ticket.number, url: decision.ticket.url, doneAt: decision.ticket.doneAt }
      : undefined,
  };
}
