import { normalizeEmail } from "../identity/normalize-email.js";
import type { StoreTx } from "../store/store.js";
import { accessPolicy, canAssignOwner } from "./can-act-on.js";
import type { Actor } from "./handle-action.js";

/**
 * An admin assigns an owner to an account from chat. The assignment overrides the source's owner
 * reference from then on (next messages go to the new owner, greeted by `ownerName`, and the
 * account no longer counts as having no owner). Only admins may (canAssignOwner, the same access
 * policy as clicks); every attempt is audited.
 */
export async function assignOwner(
  store: StoreTx,
  request: {
    admins: readonly string[];
    actor: Actor;
    source: string;
    accountId: string;
    ownerEmail: string | undefined;
    /** The assigned person's display name, when the platform gave one (greets them by name). */
    ownerName?: string | undefined;
    now: Date;
  },
): Promise<{ ok: boolean; notice: string }> {
  const actorEmail = normalizeEmail(request.actor.email);
  const ownerEmail = normalizeEmail(request.ownerEmail);
  const subject = `${request.source}:${request.accountId}`;
  const actor = `${request.actor.platform}:${request.actor.id}${actorEmail ? ` <${actorEmail}>` : ""}`;
  const stored = await store.accounts.findAccount(request.source, request.accountId);
  if (!actorEmail || !canAssignOwner(request.actor, accessPolicy(request.admins))) {
    await store.audit.appendAudit({
      at: request.now,
      event: "owner.assign_refused",
      actor,
      subject,
      detail: { reason: "not an admin" },
    });
    return { ok: false, notice: "Only warden admins can assign owners. Nothing was changed." };
  }
  if (!stored || !ownerEmail) {
    return {
      ok: false,
      notice: stored
        ? "That person has no email address warden can use."
        : "warden does not know this account any more.",
    };
  }
  await store.transaction(async (tx) => {
    await tx.ownerOverrides.setOwnerOverride({
      source: request.source,
      accountId: request.accountId,
      ownerEmail,
      ownerName: request.ownerName,
      assignedBy: actorEmail,
      assignedAt: request.now,
    });
    await tx.audit.appendAudit({
      at: request.now,
      event: "owner.assigned",
      actor,
      subject,
      detail: { ownerEmail, ownerName: request.ownerName?.trim() || null },
    });
  });
  return {
    ok: true,
    notice: `${stored.identity.userName} now belongs to ${ownerEmail}; they get its findings with the next messages.`,
  };
}
