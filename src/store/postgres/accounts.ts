import type { ActivityHistory } from "../../core/model.js";
import {
  ACCOUNT_COLUMNS,
  ACCOUNTS_WITH_SNAPSHOTS,
  type AccountMatch,
  type AccountRow,
  type NamedRow,
  namesOf,
  oneOrSeveral,
  QUALIFIED,
  SEVERAL_LIMIT,
  type StoredAccount,
  toStored,
} from "../accounts.js";
import { foldAsciiCase } from "../fold-ascii-case.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * SQLite's lower() and text order, in PostgreSQL: under the "C" collation lower() folds A-Z only
 * (as SQLite's does, and foldAsciiCase) and text compares byte by byte (SQLite's BINARY); under a
 * database's own locale (en_US.UTF-8) lower('É') would be 'é' and 'a' < 'B'.
 * https://www.postgresql.org/docs/current/collation.html#COLLATION-MANAGING-STANDARD
 */
export const foldSql = (column: string): string => `lower((${column}) COLLATE "C")`;
export const bytewise = (column: string): string => `${column} COLLATE "C"`;

/** The snapshot's JSON at `path` (`{a,b}`) when it is a JSON string, as SQLite's json_extract gives text only for those. */
export const jsonTextSql = (column: string, path: string): string =>
  `CASE WHEN jsonb_typeof((${column})::jsonb #> '${path}') = 'string' THEN (${column})::jsonb #>> '${path}' END`;

/** src/store/accounts.ts findAccount. */
export async function findAccount(db: PgDb, source: string, id: string): Promise<StoredAccount | undefined> {
  // An id from a chat payload may hold NUL, which PostgreSQL refuses to bind and no stored account has.
  if (`${source}${id}`.includes("\u0000")) return undefined;
  const [row] = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.source = $1 AND a.id = $2`,
    [source, id],
  );
  return row ? toStored(row) : undefined;
}

/** src/store/accounts.ts matchAccount: the same steps in the same order, with SQLite's ASCII-only lower(). */
export async function matchAccount(db: PgDb, query: string): Promise<AccountMatch> {
  // PostgreSQL text cannot hold NUL (it refuses it as a parameter), so no stored account matches such a query.
  if (query.includes("\u0000")) return { kind: "none" };
  const folded = foldAsciiCase(query);
  const byId = await db.query<NamedRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.id = $1 ORDER BY ${bytewise("a.source")} LIMIT $2`,
    [query, SEVERAL_LIMIT],
  );
  if (byId.length > 0) return oneOrSeveral(byId);
  const byUserName = await db.query<NamedRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
      WHERE ${foldSql("a.user_name")} = $1 ORDER BY ${bytewise("a.source")}, a.last_scan_id DESC LIMIT $2`,
    [folded, SEVERAL_LIMIT],
  );
  const exactCase = byUserName.filter((row) => row.user_name === query);
  if (byUserName.length > 0) return oneOrSeveral(exactCase.length > 0 ? exactCase : byUserName);
  const byAppId = await db.query<NamedRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
      WHERE (s.snapshot::jsonb) #>> '{attributes,kind}' = 'entra'
        AND ${foldSql("(s.snapshot::jsonb) #>> '{attributes,appId}'")} = $1
      ORDER BY ${bytewise("a.source")} LIMIT $2`,
    [folded, SEVERAL_LIMIT],
  );
  if (byAppId.length > 0) return oneOrSeveral(byAppId);
  const qualified = QUALIFIED.exec(query);
  if (qualified) {
    const [, name = "", source = ""] = qualified;
    const [inSource] = await db.query<NamedRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
        WHERE a.source = $1 AND (a.id = $2 OR ${foldSql("a.user_name")} = $3)
        ORDER BY a.id = $2 DESC, a.user_name = $2 DESC LIMIT 1`,
      [source, name, foldAsciiCase(name)],
    );
    if (inSource) return { kind: "one", account: toStored(inSource) };
  }
  const byName = await db.query<NamedRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
      WHERE ${foldSql("a.name")} = $1 ORDER BY a.last_scan_id DESC, ${bytewise("a.user_name")} LIMIT $2`,
    [folded, SEVERAL_LIMIT],
  );
  if (byName.length === 0) return { kind: "none" };
  if (byName.length === 1) return { kind: "one", account: toStored(byName[0] as NamedRow) };
  return { kind: "several", userNames: namesOf(byName) };
}

/** src/store/accounts.ts resolveAccount. */
export async function resolveAccount(db: PgDb, query: string): Promise<StoredAccount | undefined> {
  const match = await matchAccount(db, query);
  return match.kind === "one" ? match.account : undefined;
}

/** src/store/accounts.ts listLatestAccounts. */
export async function listLatestAccounts(db: PgDb): Promise<StoredAccount[]> {
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS}
       FROM (SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source) l
       JOIN accounts a ON a.last_scan_id = l.id AND a.source = l.source
       JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id`,
  );
  return rows.map(toStored);
}

/** src/store/accounts.ts listScanAccounts. */
export async function listScanAccounts(db: PgDb, scanId: number): Promise<StoredAccount[]> {
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.last_scan_id = $1`,
    [scanId],
  );
  return rows.map(toStored);
}

/** src/store/accounts.ts loadActivityHistory. */
export async function loadActivityHistory(db: PgDb, source: string): Promise<Map<string, ActivityHistory>> {
  const rows = await db.query<{ id: string; first_seen_at: string; last_active_at: string | null }>(
    "SELECT id, first_seen_at, last_active_at FROM accounts WHERE source = $1",
    [source],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        firstObservedAt: new Date(row.first_seen_at),
        lastActiveAt: row.last_active_at ? new Date(row.last_active_at) : undefined,
      },
    ]),
  );
}

export const ACCOUNTS_PG = {
  findAccount,
  listLatestAccounts,
  matchAccount,
  resolveAccount,
  listScanAccounts,
  loadActivityHistory,
} satisfies Partial<PostgresQueries["accounts"]>;
