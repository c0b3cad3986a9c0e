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

/**
 * Stores an owner assigned in chat; the email is stored normalised, an invalid one is refused.
 * `ownerName` is the display name the chat platform gave for them, if any (a blank one is dropped).
 */
export function setOwnerOverride(
  db: Database,
  override: {
    source: string;
    accountId: string;
    ownerEmail: string;
    ownerName?: string | undefined;
    assignedBy: string;
    assignedAt: Date;
  },
): void {
  const ownerEmail = normalizeEmail(override.ownerEmail);
  if (ownerEmail === undefined) {
    throw new StoreError("E_STORE_INVALID_EMAIL", "an assigned owner needs a valid email address");
  }
  const ownerName = override.ownerName?.trim() || null;
  db.prepare(
    `INSERT INTO owner_overrides (source, account_id, owner_email, owner_name, assigned_by, assigned_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (source, account_id) DO UPDATE SET owner_email = excluded.owner_email,
       owner_name = excluded.owner_name, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
  ).run(
    override.source,
    override.accountId,
    ownerEmail,
    ownerName,
    override.assignedBy,
    override.assignedAt.toISOString(),
  );
}

/** An owner assigned in chat, with who assigned them and when. */
export interface OwnerAssignment {
  /** Normalised as getOwnerOverride does. */
  ownerEmail: string;
  /** The display name the chat platform gave, when it gave one. */
  ownerName: string | undefined;
  /** The admin's email. */
  assignedBy: string;
  assignedAt: Date;
}

/** An owner_overrides row as both backends read it. */
export interface AssignmentRow {
  source: string;
  account_id: string;
  owner_email: string;
  owner_name: string | null;
  assigned_by: string;
  assigned_at: string;
}

export const ASSIGNMENT_COLUMNS = "source, account_id, owner_email, owner_name, assigned_by, assigned_at";

export const toAssignment = (r: AssignmentRow): OwnerAssignment => ({
  ownerEmail: normalizeEmail(r.owner_email) ?? r.owner_email,
  ownerName: r.owner_name ?? undefined,
  assignedBy: r.assigned_by,
  assignedAt: new Date(r.assigned_at),
});

/** Every owner assigned in chat, with its details, keyed `${source}:${accountId}`. */
export function listOwnerAssignments(db: Database): Map<string, OwnerAssignment> {
  const rows = db.prepare(`SELECT ${ASSIGNMENT_COLUMNS} FROM owner_overrides`).all() as AssignmentRow[];
  return new Map(rows.map((r) => [`${r.source}:${r.account_id}`, toAssignment(r)]));
}

/** The owner assigned in chat for one account, with its details. */
export function getOwnerAssignment(
  db: Database,
  source: string,
  accountId: string,
): OwnerAssignment | undefined {
  const row = db
    .prepare(`SELECT ${ASSIGNMENT_COLUMNS} FROM owner_overrides WHERE source = ? AND account_id = ?`)
    .get(source, accountId) as AssignmentRow | undefined;
  return row ? toAssignment(row) : undefined;
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
