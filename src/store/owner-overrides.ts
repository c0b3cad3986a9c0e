import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { normalizeEmail } from "../identity/normalize-email.js";

/**
 * The owner assigned in chat for an account, which overrides the source's owner reference.
 * Normalised (normalizeEmail) on the way out, for rows written before normalisation; a stored value
 * that is not a valid email is returned as is, so it matches nobody and the source's owner does not
 * take the account back.
 */
export function getOwnerOverride(db: Database, source: string, accountId: string): string | undefined {
  const stored = db
    .prepare("SELECT owner_email FROM owner_overrides WHERE source = ? AND account_id = ?")
    .pluck()
    .get(source, accountId) as string | undefined;
  return stored === undefined ? undefined : (normalizeEmail(stored) ?? stored);
}

/** Stores an owner assigned in chat; the email is stored normalised, an invalid one is refused. */
export function setOwnerOverride(
  db: Database,
  override: { source: string; accountId: string; ownerEmail: string; assignedBy: string; assignedAt: Date },
): void {
  const ownerEmail = normalizeEmail(override.ownerEmail);
  if (ownerEmail === undefined) {
    throw new StoreError("E_STORE_INVALID_EMAIL", "an assigned owner needs a valid email address");
  }
  db.prepare(
    `INSERT INTO owner_overrides (source, account_id, owner_email, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source, account_id) DO UPDATE SET owner_email = excluded.owner_email,
       assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
  ).run(
    override.source,
    override.accountId,
    ownerEmail,
    override.assignedBy,
    override.assignedAt.toISOString(),
  );
}

/** Every owner assigned in chat, keyed `${source}:${accountId}`; normalised as getOwnerOverride does. */
export function listOwnerOverrides(db: Database): Map<string, string> {
  const rows = db.prepare("SELECT source, account_id, owner_email FROM owner_overrides").all() as {
    source: string;
    account_id: string;
    owner_email: string;
  }[];
  return new Map(
    rows.map((r) => [`${r.source}:${r.account_id}`, normalizeEmail(r.owner_email) ?? r.owner_email]),
  );
}
