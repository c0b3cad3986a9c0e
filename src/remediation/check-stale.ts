import type { ActionPayload } from "../actions/action-payload.js";
import type { MachineIdentity } from "../core/model.js";
import type { Repositories } from "../store/store.js";
import type { Refusal } from "./action-request.js";

const sameRules = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * A button from an old message: the account changed since (fixed, disabled, new findings), so the
 * findings the message showed (`payload.r`) are not its open findings any more. Undo and Not mine
 * do not depend on the findings and are never stale, nor is any answer to an access review (`c`):
 * it is about whether the account is still needed, not about its findings. Undefined when the
 * click is current.
 */
export async function checkStale(
  store: Pick<Repositories, "findings">,
  account: MachineIdentity,
  payload: ActionPayload,
): Promise<Refusal | undefined> {
  const currentRules = (
    await store.findings.listOpenFindings({ source: account.source, accountId: account.id })
  ).map((f) => f.rule);
  if (
    payload.a === "undo" ||
    payload.a === "not_mine" ||
    payload.c !== undefined ||
    sameRules(payload.r, currentRules)
  )
    return undefined;
  const { userName } = account;
  const now =
    currentRules.length === 0
      ? "it has no open findings any more"
      : `its findings are now: ${currentRules.join(", ")}`;
  return {
    event: "decision.stale",
    detail: { shownRules: payload.r, currentRules },
    result: {
      status: "stale",
      userName,
      currentRules,
      notice: `${userName} changed since this message was sent: ${now}. Nothing was changed; here is its current state.`,
    },
  };
}
