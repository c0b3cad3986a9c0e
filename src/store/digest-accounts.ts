import type { Database } from "better-sqlite3";
import type { RuleName } from "../core/model.js";

/** An account of the digest: in its source's latest successful scan, with open findings. */
export interface DigestAccount {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  /** Its open findings' rules, oldest finding first. */
  rules: RuleName[];
}

/** Where a page of listDigestAccountsPage ended: the next page starts after this account. */
export interface DigestAccountCursor {
  source: string;
  accountId: string;
}

/** The accounts in each source's latest successful scan (listLatestAccounts' population). */
const LATEST = `(SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source)`;

/**
 * One page of the accounts with open findings in their source's latest successful scan, in
 * (source, id) order, keyset-paged on the open findings' index (`findings_open`), so the digest
 * reads them in short statements with the event loop served between pages instead of one query
 * over every risky account (15,000–37,000 rows at 100,000 identities). `limit` counts accounts
 * with open findings before the latest-scan filter: a page may hold fewer rows, and `next` is
 * undefined only after the last one. No snapshot is read (listDigestOwnerNames reads the owners
 * of the few accounts shown).
 */
export function listDigestAccountsPage(
  db: Database,
  options: { after?: DigestAccountCursor | undefined; limit: number },
): { accounts: DigestAccount[]; next: DigestAccountCursor | undefined } {
  const groups = db
    .prepare(
      `SELECT f.source, f.account_id, json_group_array(f.rule ORDER BY f.id) AS rules
         FROM findings f
        WHERE f.resolved_at IS NULL AND (f.source, f.account_id) > (?, ?)
        GROUP BY f.source, f.account_id
        ORDER BY f.source, f.account_id
        LIMIT ?`,
    )
    .all(options.after?.source ?? "", options.after?.accountId ?? "", options.limit) as {
    source: string;
    account_id: string;
    rules: string;
  }[];
  const last = groups.at(-1);
  if (!last) return { accounts: [], next: undefined };
  const rows = db
    .prepare(
      `SELECT a.source, a.id, a.user_name, a.name FROM json_each(?) j
         JOIN accounts a ON a.source = j.value ->> '$[0]' AND a.id = j.value ->> '$[1]'
         JOIN ${LATEST} l ON l.source = a.source AND l.id = a.last_scan_id`,
    )
    .all(JSON.stringify(groups.map((g) => [g.source, g.account_id]))) as {
    source: string;
    id: string;
    user_name: string;
    name: string;
  }[];
  const key = (source: string, id: string) => `${source}\u0000${id}`;
  const byKey = new Map(rows.map((row) => [key(row.source, row.id), row]));
  const accounts: DigestAccount[] = [];
  for (const group of groups) {
    const row = byKey.get(key(group.source, group.account_id));
    if (!row) continue;
    accounts.push({
      source: row.source,
      accountId: row.id,
      userName: row.user_name,
      name: row.name,
      rules: JSON.parse(group.rules) as RuleName[],
    });
  }
  const next =
    groups.length < options.limit ? undefined : { source: last.source, accountId: last.account_id };
  return { accounts, next };
}

/**
 * The owner names of the given accounts (the digest's top few), keyed `${source}\u0000${accountId}`,
 * read out of the stored JSON by SQLite (https://www.sqlite.org/json1.html#jex) rather than by
 * decoding snapshots; an account without an owner is left out.
 */
export function listDigestOwnerNames(
  db: Database,
  accounts: readonly { source: string; accountId: string }[],
): Map<string, string> {
  if (accounts.length === 0) return new Map();
  const rows = db
    .prepare(
      `SELECT s.source, s.account_id AS id, json_extract(s.snapshot, '$.owner.name') AS owner_name FROM json_each(?) j
         JOIN account_snapshots s ON s.source = j.value ->> '$[0]' AND s.account_id = j.value ->> '$[1]'`,
    )
    .all(JSON.stringify(accounts.map((a) => [a.source, a.accountId]))) as {
    source: string;
    id: string;
    owner_name: unknown;
  }[];
  const names = new Map<string, string>();
  for (const row of rows) {
    if (typeof row.owner_name === "string") names.set(`${row.source}\u0000${row.id}`, row.owner_name);
  }
  return names;
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
