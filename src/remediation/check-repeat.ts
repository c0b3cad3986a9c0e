import type { ActionPayload } from "../actions/action-payload.js";
import type { MachineIdentity } from "../core/model.js";
import type { DecisionRecord } from "../store/decisions.js";
import type { Repositories } from "../store/store.js";
import type { Refusal } from "./action-request.js";
import { checkUndo } from "./check-undo.js";

export type RepeatCheck =
  /** A new decision; for Undo, the decision it reverses. */
  | { ok: true; undone: DecisionRecord | undefined }
  /** The click repeats `duplicate`, which is not applied twice. */
  | { ok: false; duplicate: DecisionRecord }
  | { ok: false; duplicate?: undefined; refusal: Refusal };

/**
 * Whether the click is a repeat of the account's latest decision that took effect (a second click,
 * a retried delivery, another copy of the message), and for Undo whether it may go ahead at all
 * (checkUndo). `now` is read only when a decision is compared.
 */
export async function checkRepeat(
  store: Pick<Repositories, "decisions">,
  account: MachineIdentity,
  payload: ActionPayload,
  sentAt: Date | undefined,
  now: () => Date,
): Promise<RepeatCheck> {
  const head = await store.decisions.getLatestEffectiveDecision(account.source, account.id);
  if (payload.a === "undo") {
    const check = await checkUndo(store, account, payload.d, head, now());
    if (check.ok) return { ok: true, undone: check.undone };
    if (check.duplicate) return { ok: false, duplicate: check.duplicate };
    return {
      ok: false,
      refusal: {
        event: "decision.invalid",
        detail: { reason: check.problem },
        result: { status: "invalid", userName: account.userName, notice: check.problem },
      },
    };
  }
  if (head && repeats(head, payload.a, sentAt, now())) return { ok: false, duplicate: head };
  return { ok: true, undone: undefined };
}

/**
 * Whether clicking `action` now repeats `head`, the account's latest decision that took effect: the
 * same action, taken after the message was sent (a newer message is a new question, e.g. after
 * the account was re-enabled in the source), and for Keep while the acceptance lasts.
 */
function repeats(
  head: DecisionRecord,
  action: ActionPayload["a"],
  sentAt: Date | undefined,
  now: Date,
): boolean {
  if (head.action !== action) return false;
  if (sentAt !== undefined && head.decidedAt.getTime() < sentAt.getTime()) return false;
  return action !== "keep" || head.expiresAt === undefined || head.expiresAt.getTime() > now.getTime();
}
