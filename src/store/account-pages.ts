import type { Database } from "better-sqlite3";
import type { ActivityHistory } from "../core/model.js";
import { ACCOUNT_COLUMNS, type AccountRow, type StoredAccount, toStored } from "./accounts.js";

/**
 * Accounts read a bounded page at a time, in primary-key order, so a caller can give the event
 * loop back between pages (50,000 snapshots parsed in one go block it for seconds). `after` is the
 * last account of the previous page (keyset paging: https://www.sqlite.org/rowvalue.html).
 */
export interface AccountPage {
  after?: { source: string; id: string } | undefined;
  limit: number;
}

/** Each source's latest successful scan, by source name. */
function latestScans(db: Database): { source: string; id: number }[] {
  return db
    .prepare(
      "SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source ORDER BY source",
    )
    .all() as { source: string; id: number }[];
}

/**
 * The rows of `select` (over `accounts a` and its snapshot `s`) in each source's latest scan after `page.after`, source
 * by source: each query walks the primary key from the cursor and stops at the limit (`+` keeps
 * SQLite off the last_scan_id index, which would read the whole scan and sort it for every page).
 */
function pageOf<Row>(db: Database, page: AccountPage, select: string, where = ""): Row[] {
  const rows: Row[] = [];
  for (const scan of latestScans(db)) {
    if (page.after && scan.source < page.after.source) continue;
    const afterId = page.after && scan.source === page.after.source ? page.after.id : "";
    const more = db
      .prepare(
        `SELECT ${select} FROM accounts a JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id
          WHERE a.source = ? AND a.id > ? AND +a.last_scan_id = ? ${where}
          ORDER BY a.id LIMIT ?`,
      )
      .all(scan.source, afterId, scan.id, page.limit - rows.length) as Row[];
    rows.push(...more);
    if (rows.length >= page.limit) break;
  }
  return rows;
}

/**
 * A page of listLatestAccounts (the accounts in each source's latest successful scan); with
 * `risky`, only those with an open finding (owner messages need no other snapshot).
 */
export function listLatestAccountsPage(
  db: Database,
  page: AccountPage & { risky?: boolean },
): StoredAccount[] {
  // `+a.id`: without it SQLite carries `a.id > ?` into the subquery and reads a range of findings
  // for every account instead of the account's own (https://www.sqlite.org/optoverview.html#transitive_constraints).
  const risky = page.risky
    ? "AND EXISTS (SELECT 1 FROM findings f WHERE f.source = a.source AND f.account_id = +a.id AND f.resolved_at IS NULL)"
    : "";
  return pageOf<AccountRow>(db, page, ACCOUNT_COLUMNS, risky).map(toStored);
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
  const rows = pageOf<{ source: string; id: string; user_name: string; name: string; owner_name: unknown }>(
    db,
    page,
    "a.source, a.id, a.user_name, a.name, json_extract(s.snapshot, '$.owner.name') AS owner_name",
  );
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
