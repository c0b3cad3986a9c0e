import type { Database } from "better-sqlite3";
import type { RuleName } from "../core/model.js";

/** An account of the digest: in its source's latest successful scan, with open findings. */
export interface DigestAccount {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  ownerName: string | undefined;
  /** Its open findings' rules, oldest finding first. */
  rules: RuleName[];
}

/** The accounts in each source's latest successful scan (listLatestAccounts' population). */
const LATEST = `(SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source)`;

/**
 * The accounts of each source's latest successful scan that have open findings, with what the
 * digest shows of them: no snapshot is decoded (at 100,000 identities that alone took seconds);
 * the owner's name is read out of the stored JSON by SQLite (https://www.sqlite.org/json1.html#jex).
 */
export function listDigestAccounts(db: Database): DigestAccount[] {
  const rows = db
    .prepare(
      `SELECT a.source, a.id, a.user_name, a.name, json_extract(a.snapshot, '$.owner.name') AS owner_name,
              json_group_array(f.rule ORDER BY f.id) AS rules
         FROM ${LATEST} l
         JOIN accounts a ON a.last_scan_id = l.id AND a.source = l.source
         JOIN findings f ON f.source = a.source AND f.account_id = a.id AND f.resolved_at IS NULL
        GROUP BY a.source, a.id`,
    )
    .all() as {
    source: string;
    id: string;
    user_name: string;
    name: string;
    owner_name: unknown;
    rules: string;
  }[];
  return rows.map((row) => ({
    source: row.source,
    accountId: row.id,
    userName: row.user_name,
    name: row.name,
    ownerName: typeof row.owner_name === "string" ? row.owner_name : undefined,
    rules: JSON.parse(row.rules) as RuleName[],
  }));
}

/**
 * The user names of the given accounts that are in their source's latest successful scan, keyed
 * `${source}\u0000${accountId}` (the digest names the findings that changed with them).
 */
export function listLatestUserNames(
  db: Database,
  accounts: readonly { source: string; accountId: string }[],
): Map<string, string> {
  if (accounts.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT a.source, a.id, a.user_name FROM json_each(?) j
         JOIN accounts a ON a.source = j.value ->> '$[0]' AND a.id = j.value ->> '$[1]'
        WHERE a.last_scan_id IN (SELECT id FROM ${LATEST})`,
    )
    .all(JSON.stringify(accounts.map((a) => [a.source, a.accountId]))) as {
    source: string;
    id: string;
    user_name: string;
  }[];
  return new Map(rows.map((row) => [`${row.source}\u0000${row.id}`, row.user_name]));
}
