import type { MachineIdentity } from "../core/model.js";
import type { Repositories } from "../store/store.js";
import type { Actor, Refusal } from "./action-request.js";
import { type AccessPolicy, canActOn } from "./can-act-on.js";
import { ownerOfRecord } from "./owner-of-record.js";

export type Authorization = { ok: true; actorEmail: string } | { ok: false; refusal: Refusal };

/**
 * Whether `actor` may click `account`'s buttons, by the one rule (canActOn: its owner of record or
 * a warden admin), and the audited refusal when not.
 */
export async function authorizeAction(
  store: Pick<Repositories, "ownerOverrides">,
  policy: AccessPolicy,
  actor: Actor,
  account: MachineIdentity,
): Promise<Authorization> {
  const permission = canActOn(actor, await ownerOfRecord(store, account), policy);
  if (permission.ok) return { ok: true, actorEmail: permission.actorEmail };
  const { ownerEmail } = permission;
  const { userName } = account;
  return {
    ok: false,
    refusal: {
      event: "decision.refused",
      detail: { reason: "not the owner or an admin", ownerEmail: ownerEmail ?? null },
      result: {
        status: "refused",
        userName,
        // Who owns it is not told: to anyone but its owner and the admins an account's owner is
        // private (as lookups are, WARDEN_LOOKUP=owners). The audit entry records it.
        notice: `Only ${userName}'s owner or a warden admin can act on it. Nothing was changed.`,
      },
    },
  };
}
