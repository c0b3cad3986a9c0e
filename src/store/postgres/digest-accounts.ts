import type { RuleName } from "../../core/model.js";
import type { DigestAccount, DigestAccountCursor } from "../digest-accounts.js";
import { bytewise, jsonTextSql } from "./accounts.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** Each source's latest successful scan (src/store/digest-accounts.ts LATEST). */
const LATEST = `(SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source)`;

/** (source, account id) pairs as two parallel arrays, for `unnest($1::text[], $2::text[])` (SQLite's json_each). */
const pairs = (accounts: readonly { source: string; accountId: string }[]): [string[], string[]] => [
  accounts.map((a) => a.source),
  accounts.map((a) => a.accountId),
];

const key = (source: string, id: string) => `${source}\u0000${id}`;

/** src/store/digest-accounts.ts listDigestAccountsPage: the same keyset over open findings, in SQLite's bytewise order. */
export async function listDigestAccountsPage(
  db: PgDb,
  options: { after?: DigestAccountCursor | undefined; limit: number },
): Promise<{ accounts: DigestAccount[]; next: DigestAccountCursor | undefined }> {
  const groups = await db.query<{ source: string; account_id: string; rules: RuleName[] }>(
    `SELECT f.source, f.account_id, array_agg(f.rule ORDER BY f.id) AS rules
       FROM findings f
      WHERE f.resolved_at IS NULL AND (${bytewise("f.source")}, ${bytewise("f.account_id")}) > ($1, $2)
      GROUP BY f.source, f.account_id
      ORDER BY ${bytewise("f.source")}, ${bytewise("f.account_id")}
      LIMIT $3`,
    [options.after?.source ?? "", options.after?.accountId ?? "", options.limit],
  );
  const last = groups.at(-1);
  if (!last) return { accounts: [], next: undefined };
  const rows = await db.query<{ source: string; id: string; user_name: string; name: string }>(
    `SELECT a.source, a.id, a.user_name, a.name FROM unnest($1::text[], $2::text[]) AS j (source, id)
       JOIN accounts a ON a.source = j.source AND a.id = j.id
       JOIN ${LATEST} l ON l.source = a.source AND l.id = a.last_scan_id`,
    pairs(groups.map((g) => ({ source: g.source, accountId: g.account_id }))),
  );
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
      rules: group.rules,
    });
  }
  const next =
    groups.length < options.limit ? undefined : { source: last.source, accountId: last.account_id };
  return { accounts, next };
}

/** src/store/digest-accounts.ts listDigestOwnerNames: owners whose JSON name is a string. */
export async function listDigestOwnerNames(
  db: PgDb,
  accounts: readonly { source: string; accountId: string }[],
): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  const rows = await db.query<{ source: string; id: string; owner_name: unknown }>(
    `SELECT s.source, s.account_id AS id, ${jsonTextSql("s.snapshot", "{owner,name}")} AS owner_name
       FROM unnest($1::text[], $2::text[]) AS j (source, id)
       JOIN account_snapshots s ON s.source = j.source AND s.account_id = j.id`,
    pairs(accounts),
  );
  const names = new Map<string, string>();
  for (const row of rows) {
    if (typeof row.owner_name === "string") names.set(key(row.source, row.id), row.owner_name);
  }
  return names;
}

/** src/store/digest-accounts.ts listLatestUserNames. */
export async function listLatestUserNames(
  db: PgDb,
  accounts: readonly { source: string; accountId: string }[],
): Promise<Map<string, string>> {
  if (accounts.length === 0) return new Map();
  const rows = await db.query<{ source: string; id: string; user_name: string }>(
    `SELECT a.source, a.id, a.user_name FROM unnest($1::text[], $2::text[]) AS j (source, id)
       JOIN accounts a ON a.source = j.source AND a.id = j.id
      WHERE a.last_scan_id IN (SELECT id FROM ${LATEST} l)`,
    pairs(accounts),
  );
  return new Map(rows.map((row) => [key(row.source, row.id), row.user_name]));
}

export const DIGEST_ACCOUNTS_PG = {
  listDigestAccountsPage,
  listDigestOwnerNames,
  listLatestUserNames,
} satisfies Partial<PostgresQueries["accounts"]>;
