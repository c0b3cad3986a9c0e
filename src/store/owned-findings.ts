import type { Database } from "better-sqlite3";
import type { RuleName } from "../core/model.js";

/** One open finding of an account someone owns: enough to rank and filter, no snapshot parsed. */
export interface OwnedFinding {
  source: string;
  accountId: string;
  userName: string;
  rule: RuleName;
  acceptedUntil: Date | undefined;
}

/**
 * The open findings of every account `ownerEmail` owns of record: the owner assigned in chat, else
 * the source's owner reference (the rule of ownerOfRecord). `ownerEmail` is in normalizeEmail's
 * form, as both columns are stored. An assigned account's "no owner" finding is left out, as owner
 * messages do (the next scan resolves it). Reads accounts_by_owner and owner_overrides_by_owner
 * (migration 18), then each account's findings on findings_by_account.
 */
export function listOwnedFindings(db: Database, ownerEmail: string): OwnedFinding[] {
  const rows = db
    .prepare(
      `SELECT f.source, f.account_id, a.user_name, f.rule, f.accepted_until
         FROM accounts a JOIN findings f ON f.source = a.source AND f.account_id = a.id
        WHERE a.owner_email = @email AND f.resolved_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM owner_overrides o WHERE o.source = a.source AND o.account_id = a.id)
       UNION ALL
       SELECT f.source, f.account_id, a.user_name, f.rule, f.accepted_until
         FROM owner_overrides o
         JOIN accounts a ON a.source = o.source AND a.id = o.account_id
         JOIN findings f ON f.source = o.source AND f.account_id = o.account_id
        WHERE o.owner_email = @email AND f.resolved_at IS NULL AND f.rule != 'no_owner'`,
    )
    .all({ email: ownerEmail }) as {
    source: string;
    account_id: string;
    user_name: string;
    rule: RuleName;
    accepted_until: string | null;
  }[];
  return rows.map((row) => ({
    source: row.source,
    accountId: row.account_id,
    userName: row.user_name,
    rule: row.rule,
    acceptedUntil: row.accepted_until ? new Date(row.accepted_until) : undefined,
  }));
}
