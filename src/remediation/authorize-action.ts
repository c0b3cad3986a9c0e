import type { Database } from "better-sqlite3";
import type { MachineIdentity } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import { getOwnerOverride } from "../store/owner-overrides.js";
import type { Actor, Refusal } from "./action-request.js";

export type Authorization = { ok: true; actorEmail: string } | { ok: false; refusal: Refusal };

/**
 * Whether `actor` may act on `account`: only its owner (the chat user's email matches the owner
 * assigned in chat, else the source's owner reference) or a warden admin may. Both sides are
 * normalised by the one rule (normalizeEmail): no Unicode case folding, so a lookalike such as
 * U+212A KELVIN SIGN never matches "k"; an invalid email matches nothing.
 */
export function authorizeAction(
  db: Database,
  admins: ReadonlySet<string>,
  actor: Actor,
  account: MachineIdentity,
): Authorization {
  const ownerEmail = normalizeEmail(getOwnerOverride(db, account.source, account.id) ?? account.owner?.email);
  const email = normalizeEmail(actor.email);
  const isAdmin = email !== undefined && admins.has(email);
  if (email && (email === ownerEmail || isAdmin)) return { ok: true, actorEmail: email };
  const { userName } = account;
  return {
    ok: false,
    refusal: {
      event: "decision.refused",
      detail: { reason: "not the owner or an admin", ownerEmail: ownerEmail ?? null },
      result: {
        status: "refused",
        userName,
        notice: `Only ${userName}'s owner${ownerEmail ? ` (${ownerEmail})` : ""} or a warden admin can act on it. Nothing was changed.`,
      },
    },
  };
}
