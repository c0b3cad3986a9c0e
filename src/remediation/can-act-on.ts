import { normalizeEmail } from "../identity/normalize-email.js";

/**
 * Who may act beyond an account's owner: the configured warden admins (WARDEN_ADMINS), held in
 * normalizeEmail's form. Built once per handler from the configuration.
 */
export interface AccessPolicy {
  readonly admins: ReadonlySet<string>;
}

/** The policy for these admin emails; an invalid one matches nobody. */
export function accessPolicy(admins: readonly string[]): AccessPolicy {
  return { admins: new Set(admins.flatMap((a) => normalizeEmail(a) ?? [])) };
}

/** Who asks: their email as the chat platform reports it (absent: it did not say). */
export interface Asker {
  email?: string | undefined;
}

/**
 * An account's owner of record: the owner an admin assigned in chat, which replaces the source's
 * owner reference, else that reference (see ownerOfRecord in owner-of-record.ts).
 */
export interface OwnerOfRecord {
  assignedOwnerEmail?: string | undefined;
  sourceOwnerEmail?: string | undefined;
}

export type Permission =
  | { ok: true; actorEmail: string; as: "owner" | "admin"; ownerEmail: string | undefined }
  | { ok: false; actorEmail: string | undefined; ownerEmail: string | undefined };

/** Whether `actor` is a warden admin: they alone start scans and assign owners from chat. */
export function isAdmin(actor: Asker, policy: AccessPolicy): boolean {
  const email = normalizeEmail(actor.email);
  return email !== undefined && policy.admins.has(email);
}

/** Assigning an owner is for admins only (the owner of record cannot hand an account on). */
export const canAssignOwner = isAdmin;

/**
 * The one rule for who may act on an account (click its buttons, see it in a private lookup): its
 * owner of record or a warden admin. Both sides are compared in normalizeEmail's form: only ASCII
 * case is folded and IDN domains compared as punycode, so a lookalike such as U+212A KELVIN SIGN
 * never matches "k"; an invalid or missing email matches nothing.
 */
export function canActOn(actor: Asker, account: OwnerOfRecord, policy: AccessPolicy): Permission {
  const ownerEmail = normalizeEmail(account.assignedOwnerEmail ?? account.sourceOwnerEmail);
  const actorEmail = normalizeEmail(actor.email);
  if (actorEmail !== undefined && actorEmail === ownerEmail) {
    return { ok: true, actorEmail, as: "owner", ownerEmail };
  }
  if (actorEmail !== undefined && policy.admins.has(actorEmail)) {
    return { ok: true, actorEmail, as: "admin", ownerEmail };
  }
  return { ok: false, actorEmail, ownerEmail };
}
