import type { ActivityHistory } from "../../core/model.js";
import type { AccountNames, AccountPage } from "../account-pages.js";
import { ACCOUNT_COLUMNS, type AccountRow, type StoredAccount, toStored } from "../accounts.js";
import { bytewise, jsonTextSql } from "./accounts.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** Each source's latest successful scan, in SQLite's (bytewise) order of source names. */
async function latestScans(db: PgDb): Promise<{ source: string; id: number }[]> {
  return db.query<{ source: string; id: number }>(
    `SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source ORDER BY ${bytewise("source")}`,
  );
}

/**
 * src/store/account-pages.ts pageOf: the rows of each source's latest scan after `page.after`, in
 * SQLite's order (bytewise ids, the same keyset), source by source until the limit.
 */
async function pageOf<Row>(db: PgDb, page: AccountPage, select: string, where = ""): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scan of await latestScans(db)) {
    if (page.after && scan.source < page.after.source) continue;
    const afterId = page.after && scan.source === page.after.source ? page.after.id : "";
    const more = await db.query<Row>(
      `SELECT ${select} FROM accounts a JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id
        WHERE a.source = $1 AND ${bytewise("a.id")} > $2 AND a.last_scan_id = $3 ${where}
        ORDER BY ${bytewise("a.id")} LIMIT $4`,
      [scan.source, afterId, scan.id, page.limit - rows.length],
    );
    rows.push(...more);
    if (rows.length >= page.limit) break;
  }
  return rows;
}

/** src/store/account-pages.ts listLatestAccountsPage. */
export async function listLatestAccountsPage(
  db: PgDb,
  page: AccountPage & { risky?: boolean },
): Promise<StoredAccount[]> {
  const risky = page.risky
    ? "AND EXISTS (SELECT 1 FROM findings f WHERE f.source = a.source AND f.account_id = a.id AND f.resolved_at IS NULL)"
    : "";
  return (await pageOf<AccountRow>(db, page, ACCOUNT_COLUMNS, risky)).map(toStored);
}

/** src/store/account-pages.ts listLatestAccountNamesPage: the owner's name only when the JSON has a string there. */
export async function listLatestAccountNamesPage(db: PgDb, page: AccountPage): Promise<AccountNames[]> {
  const rows = await pageOf<{
    source: string;
    id: string;
    user_name: string;
    name: string;
    owner_name: unknown;
  }>(
    db,
    page,
    `a.source, a.id, a.user_name, a.name, ${jsonTextSql("s.snapshot", "{owner,name}")} AS owner_name`,
  );
  return rows.map((row) => ({
    source: row.source,
    id: row.id,
    userName: row.user_name,
    name: row.name,
    ownerName: typeof row.owner_name === "string" ? row.owner_name : undefined,
  }));
}

/** src/store/account-pages.ts loadActivityHistoryPage. */
export async function loadActivityHistoryPage(
  db: PgDb,
  source: string,
  page: { afterId?: string | undefined; limit: number },
): Promise<[id: string, history: ActivityHistory][]> {
  const rows = await db.query<{ id: string; first_seen_at: string; last_active_at: string | null }>(
    `SELECT id, first_seen_at, last_active_at FROM accounts
      WHERE source = $1 AND ${bytewise("id")} > $2 ORDER BY ${bytewise("id")} LIMIT $3`,
    [source, page.afterId ?? "", page.limit],
  );
  return rows.map((row) => [
    row.id,
    {
      firstObservedAt: new Date(row.first_seen_at),
      lastActiveAt: row.last_active_at ? new Date(row.last_active_at) : undefined,
    },
  ]);
}

export const ACCOUNT_PAGES_PG = {
  listLatestAccountsPage,
  listLatestAccountNamesPage,
  loadActivityHistoryPage,
} satisfies Partial<PostgresQueries["accounts"]>;
