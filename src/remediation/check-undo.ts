import { isReversible } from "../actions/action-registry.js";
import { UNDO_WINDOW_MS } from "../actions/undo.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories } from "../store/store.js";

export type UndoCheck =
  | { ok: true; undone: DecisionRecord }
  | { ok: false; duplicate: DecisionRecord }
  | { ok: false; duplicate?: undefined; problem: string };

/**
 * Whether an Undo of decision `decisionId` may go ahead. It may only reverse the account's latest
 * decision that took effect (`head`), an applied Disable or Restrict, for 24 hours, and only once:
 * whatever message or copy of a button it comes from, a second Undo finds the first one as the
 * latest decision and is a duplicate. Whether the account is still as that decision left it is
 * checked against the source itself, after the re-read.
 */
export async function checkUndo(
  store: Pick<Repositories, "decisions">,
  account: { source: string; id: string },
  decisionId: number | undefined,
  head: DecisionRecord | undefined,
  now: Date,
): Promise<UndoCheck> {
  const undone = decisionId === undefined ? undefined : await store.decisions.getDecision(decisionId);
  if (!undone || undone.accountId !== account.id || undone.source !== account.source) {
    return { ok: false, problem: "There is no such decision to undo." };
  }
  if (head?.action === "undo" && head.undoesDecisionId === undone.id) return { ok: false, duplicate: head };
  if (head?.id !== undone.id) {
    return {
      ok: false,
      problem:
        "Only the latest decision on an account can be undone, and this one has been followed by another.",
    };
  }
  if (!isReversible(undone.action) || undone.outcome !== "applied" || !undone.before) {
    return {
      ok: false,
      problem:
        "Only an applied change that can be reversed (Disable, Restrict, Remove privileged role, Block Basic auth) can be undone.",
    };
  }
  if (now.getTime() - undone.decidedAt.getTime() > UNDO_WINDOW_MS) {
    return { ok: false, problem: "Undo is only possible for 24 hours after the action." };
  }
  return { ok: true, undone };
}
