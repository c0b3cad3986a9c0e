import { StoreError } from "../../errors.js";
import { normalizeEmail } from "../../identity/normalize-email.js";
import {
  ASSIGNMENT_COLUMNS,
  type AssignmentRow,
  type OwnerAssignment,
  toAssignment,
} from "../owner-overrides.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** src/store/owner-overrides.ts getOwnerOverride. */
export async function getOwnerOverride(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<string | undefined> {
  const [row] = await db.query<{ owner_email: string }>(
    "SELECT owner_email FROM owner_overrides WHERE source = $1 AND account_id = $2",
    [source, accountId],
  );
  return row === undefined ? undefined : (normalizeEmail(row.owner_email) ?? row.owner_email);
}

/** src/store/owner-overrides.ts setOwnerOverride: one upsert, the last assignment wins. */
export async function setOwnerOverride(
  db: PgDb,
  override: {
    source: string;
    accountId: string;
    ownerEmail: string;
    ownerName?: string | undefined;
    assignedBy: string;
    assignedAt: Date;
  },
): Promise<void> {
  const ownerEmail = normalizeEmail(override.ownerEmail);
  if (ownerEmail === undefined) {
    throw new StoreError("E_STORE_INVALID_EMAIL", "an assigned owner needs a valid email address");
  }
  const ownerName = override.ownerName?.trim() || null;
  await db.execute(
    `INSERT INTO owner_overrides (source, account_id, owner_email, owner_name, assigned_by, assigned_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source, account_id) DO UPDATE SET owner_email = excluded.owner_email,
       owner_name = excluded.owner_name, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
    [
      override.source,
      override.accountId,
      ownerEmail,
      ownerName,
      override.assignedBy,
      override.assignedAt.toISOString(),
    ],
  );
}

/** src/store/owner-overrides.ts listOwnerAssignments. */
export async function listOwnerAssignments(db: PgDb): Promise<Map<string, OwnerAssignment>> {
  const rows = await db.query<AssignmentRow>(`SELECT ${ASSIGNMENT_COLUMNS} FROM owner_overrides`);
  return new Map(rows.map((r) => [`${r.source}:${r.account_id}`, toAssignment(r)]));
}

/** src/store/owner-overrides.ts getOwnerAssignment. */
export async function getOwnerAssignment(
  db: PgDb,
  source: string,
  accountId: string,
): Promise<OwnerAssignment | undefined> {
  const [row] = await db.query<AssignmentRow>(
    `SELECT ${ASSIGNMENT_COLUMNS} FROM owner_overrides WHERE source = $1 AND account_id = $2`,
    [source, accountId],
  );
  return row ? toAssignment(row) : undefined;
}

/** src/store/owner-overrides.ts listOwnerOverrides. */
export async function listOwnerOverrides(db: PgDb): Promise<Map<string, string>> {
  const rows = await db.query<{ source: string; account_id: string; owner_email: string }>(
    "SELECT source, account_id, owner_email FROM owner_overrides",
  );
  return new Map(
    rows.map((r) => [`${r.source}:${r.account_id}`, normalizeEmail(r.owner_email) ?? r.owner_email]),
  );
}

/** The ownerOverrides repository of the PostgreSQL store. */
export const OWNER_OVERRIDES_PG = {
  getOwnerOverride,
  getOwnerAssignment,
  setOwnerOverride,
  listOwnerOverrides,
  listOwnerAssignments,
} satisfies Partial<PostgresQueries["ownerOverrides"]>;
