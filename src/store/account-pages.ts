import type { Database } from "better-sqlite3";
import type { ActivityHistory } from "../core/model.js";
import { type AccountRow, type StoredAccount, toStored } from "./accounts.js";

/**
 * Accounts read a bounded page at a time, in primary-key order, so a caller can give the event
 * loop back between pages (50,000 snapshots parsed in one go block it for seconds). `after` is the
 * last account of the previous page (keyset paging: https://www.sqlite.org/rowvalue.html).
 */
export interface AccountPage {
  after?: { source: string; id: string } | undefined;
  limit: number;
}

const LATEST = "SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source";
const AFTER = "(a.source, a.id) > (?, ?)";
const keyOf = (page: AccountPage) => [page.after?.source ?? "", page.after?.id ?? ""];

/**
 * A page of listLatestAccounts (the accounts in each source's latest successful scan); with
 * `risky`, only those with an open finding (owner messages need no other snapshot).
 */
export function listLatestAccountsPage(
  db: Database,
  page: AccountPage & { risky?: boolean },
): StoredAccount[] {
  const risky = page.risky
    ? `AND EXISTS (SELECT 1 FROM findings f WHERE f.source = a.source AND f.account_id = a.id AND f.resolved_at IS NULL)`
    : "";
  const rows = db
    .prepare(
      `SELECT a.* FROM accounts a JOIN (${LATEST}) l ON a.last_scan_id = l.id AND a.source = l.source
        WHERE ${AFTER} ${risky} ORDER BY a.source, a.id LIMIT ?`,
    )
    .all(...keyOf(page), page.limit) as AccountRow[];
  return rows.map(toStored);
}

/** How the digest names an account: no snapshot is parsed for it. */
export interface AccountNames {
  source: string;
  id: string;
  userName: string;
  name: string;
  ownerName: string | undefined;
}

/** A page of the latest accounts' names (and their owner's, from the snapshot's JSON in SQL). */
export function listLatestAccountNamesPage(db: Database, page: AccountPage): AccountNames[] {
  const rows = db
    .prepare(
      `SELECT a.source, a.id, a.user_name, a.name, json_extract(a.snapshot, '$.owner.name') AS owner_name
         FROM accounts a JOIN (${LATEST}) l ON a.last_scan_id = l.id AND a.source = l.source
        WHERE ${AFTER} ORDER BY a.source, a.id LIMIT ?`,
    )
    .all(...keyOf(page), page.limit) as {
    source: string;
    id: string;
    user_name: string;
    name: string;
    owner_name: unknown;
  }[];
  return rows.map((row) => ({
    source: row.source,
    id: row.id,
    userName: row.user_name,
    name: row.name,
    ownerName: typeof row.owner_name === "string" ? row.owner_name : undefined,
  }));
}

/** A page of loadActivityHistory: warden's remembered activity of a source's accounts, by id. */
export function loadActivityHistoryPage(
  db: Database,
  source: string,
  page: { afterId?: string | undefined; limit: number },
): [id: string, history: ActivityHistory][] {
  const rows = db
    .prepare(
      "SELECT id, first_seen_at, last_active_at FROM accounts WHERE source = ? AND id > ? ORDER BY id LIMIT ?",
    )
    .all(source, page.afterId ?? "", page.limit) as {
    id: string;
    first_seen_at: string;
    last_active_at: string | null;
  }[];
  return rows.map((row) => [
    row.id,
    {
      firstObservedAt: new Date(row.first_seen_at),
      lastActiveAt: row.last_active_at ? new Date(row.last_active_at) : undefined,
    },
  ]);
}
