import type { RuleName } from "../../core/model.js";
import type { OwnedFinding } from "../owned-findings.js";
import type { PgDb } from "./pg-db.js";

/**
 * src/store/owned-findings.ts listOwnedFindings: the open findings of every account `ownerEmail`
 * owns of record (the owner assigned in chat, else the source's owner reference), without an
 * assigned account's "no owner" finding. In no particular order, as the SQLite version.
 */
export async function listOwnedFindings(db: PgDb, ownerEmail: string): Promise<OwnedFinding[]> {
  const rows = await db.query<{
    source: string;
    account_id: string;
    user_name: string;
    rule: RuleName;
    accepted_until: string | null;
  }>(
    `SELECT f.source, f.account_id, a.user_name, f.rule, f.accepted_until
       FROM accounts a JOIN findings f ON f.source = a.source AND f.account_id = a.id
      WHERE a.owner_email = $1 AND f.resolved_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM owner_overrides o WHERE o.source = a.source AND o.account_id = a.id)
     UNION ALL
     SELECT f.source, f.account_id, a.user_name, f.rule, f.accepted_until
       FROM owner_overrides o
       JOIN accounts a ON a.source = o.source AND a.id = o.account_id
       JOIN findings f ON f.source = o.source AND f.account_id = o.account_id
      WHERE o.owner_email = $1 AND f.resolved_at IS NULL AND f.rule != 'no_owner'`,
    [ownerEmail],
  );
  return rows.map((row) => ({
    source: row.source,
    accountId: row.account_id,
    userName: row.user_name,
    rule: row.rule,
    acceptedUntil: row.accepted_until ? new Date(row.accepted_until) : undefined,
  }));
}
