import type { MachineIdentity } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import type { OwnerAssignment } from "../store/owner-overrides.js";

/**
 * Who a review asks about `identity`: the owner assigned in chat, else the source's owner when
 * active and with an email (as owner messages reach owners, build-owner-messages.ts). Undefined:
 * nobody reachable owns it, and the admins are asked to assign someone first.
 */
export function reviewerOf(
  identity: Pick<MachineIdentity, "owner">,
  assignment: OwnerAssignment | undefined,
): string | undefined {
  if (assignment) return normalizeEmail(assignment.ownerEmail);
  const owner = identity.owner;
  if (!owner?.active) return undefined;
  return normalizeEmail(owner.email);
}
