import type { DecisionRecord } from "../store/decisions.js";
import type { Refusal } from "./action-request.js";

/** The answer to a click that repeats `decision` (pending or done): nothing is applied twice. */
export function duplicateRefusal(decision: DecisionRecord, userName: string): Refusal {
  return {
    event: "decision.duplicate",
    detail: { decisionId: decision.id, outcome: decision.outcome },
    result: {
      status: "duplicate",
      userName,
      decision,
      notice:
        decision.outcome === "pending"
          ? `This is already being done for ${userName}.`
          : `This was already done for ${userName}; nothing was applied twice.`,
    },
  };
}
