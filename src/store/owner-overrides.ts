import type { Database } from "better-sqlite3";

/** The owner assigned in chat for an account, which overrides the source's owner reference. */
export function getOwnerOverride(db: Database, source: string, accountId: string): string | undefined {
  return (
    db
      .prepare("SELECT owner_email FROM owner_overrides WHERE source = ? AND account_id = ?")
      .pluck()
      .get(source, accountId) as string | undefined
  )?.toLowerCase();
}

export function setOwnerOverride(
  db: Database,
  override: { source: string; accountId: string; ownerEmail: string; assignedBy: string; assignedAt: Date },
): void {
  db.prepare(
    `INSERT INTO owner_overrides (source, account_id, owner_email, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source, account_id) DO UPDATE SET owner_email = excluded.owner_email,
       assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
  ).run(
    override.source,
    override.accountId,
    override.ownerEmail.toLowerCase(),
    override.assignedBy,
    override.assignedAt.toISOString(),
  );
}

/** Every owner assigned in chat, keyed `${source}:${accountId}`. */
export function listOwnerOverrides(db: Database): Map<string, string> {
  const rows = db.prepare("SELECT source, account_id, owner_email FROM owner_overrides").all() as {
    source: string;
    account_id: string;
    owner_email: string;
  }[];
  return new Map(rows.map((r) => [`${r.source}:${r.account_id}`, r.owner_email.toLowerCase()]));
}
