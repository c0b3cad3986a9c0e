import type { Database } from "better-sqlite3";
import type { ActivityHistory, MachineIdentity } from "../core/model.js";
import { foldAsciiCase } from "./fold-ascii-case.js";

const DATE_KEYS = new Set([
  "createdAt",
  "lastLoginAt",
  "lastApiCallAt",
  "lastUiLoginAt",
  "lastBasicAuthAt",
  "lastOAuthTokenAt",
]);

/** MachineIdentity → JSON for the snapshot column (dates become ISO strings). */
export function identityToJson(identity: MachineIdentity): string {
  return JSON.stringify(identity);
}

/** The snapshot column → MachineIdentity, with dates restored. */
export function identityFromJson(json: string): MachineIdentity {
  const parsed = JSON.parse(json, (key, value) =>
    DATE_KEYS.has(key) && typeof value === "string" ? new Date(value) : value,
  ) as MachineIdentity | LegacySnapshot;
  return "attributes" in parsed && parsed.attributes ? parsed : fromLegacySnapshot(parsed as LegacySnapshot);
}

/** A snapshot written before identities were source-neutral: ServiceNow's fields at the top. */
type LegacySnapshot = Omit<MachineIdentity, "attributes"> & {
  attributes?: undefined;
  lockedOut?: boolean;
  webServiceAccessOnly?: boolean;
};

/** Every such snapshot is a ServiceNow account: warden had no other source then. */
function fromLegacySnapshot(legacy: LegacySnapshot): MachineIdentity {
  const { lockedOut, webServiceAccessOnly, attributes: _, ...neutral } = legacy;
  return {
    ...neutral,
    attributes: {
      kind: "servicenow",
      lockedOut: lockedOut ?? false,
      webServiceAccessOnly: webServiceAccessOnly ?? false,
    },
  };
}

/** A stored account: the latest snapshot plus warden's bookkeeping. */
export interface StoredAccount {
  identity: MachineIdentity;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastScanId: number;
}

interface AccountRow {
  snapshot: string;
  first_seen_at: string;
  last_seen_at: string;
  last_scan_id: number;
}

const toStored = (row: AccountRow): StoredAccount => ({
  identity: identityFromJson(row.snapshot),
  firstSeenAt: new Date(row.first_seen_at),
  lastSeenAt: new Date(row.last_seen_at),
  lastScanId: row.last_scan_id,
});

/**
 * Finds an account by exact sys_id, else by user name (case-insensitive, exact case first).
 * Parameters are bound, so input like `svc^ORactive=true` is only ever compared literally. A
 * sys_id match wins over a user name that happens to look like one. Both use an index
 * (migration 6), so a click or a lookup never reads the whole table.
 */
export function findAccount(db: Database, idOrName: string): StoredAccount | undefined {
  return findAccountById(db, idOrName) ?? findAccountByUserName(db, idOrName);
}

function findAccountById(db: Database, id: string): StoredAccount | undefined {
  const row = db.prepare(`SELECT * FROM accounts WHERE id = ? ORDER BY last_scan_id DESC LIMIT 1`).get(id) as
    | AccountRow
    | undefined;
  return row ? toStored(row) : undefined;
}

function findAccountByUserName(db: Database, userName: string): StoredAccount | undefined {
  // lower(user_name) is what the accounts_by_user_name index holds; foldAsciiCase matches it.
  const row = db
    .prepare(
      `SELECT * FROM accounts WHERE lower(user_name) = ?
         ORDER BY user_name = ? DESC, last_scan_id DESC LIMIT 1`,
    )
    .get(foldAsciiCase(userName), userName) as AccountRow | undefined;
  return row ? toStored(row) : undefined;
}

/** What a lookup matched: one account, several sharing a display name, or nothing. */
export type AccountMatch =
  | { kind: "one"; account: StoredAccount }
  | { kind: "several"; userNames: string[] }
  | { kind: "none" };

/** Display-name matches listed when several accounts share one. */
const SEVERAL_LIMIT = 10;

/**
 * A lookup's match, in order: sys_id, user name, then display name (both case-insensitive,
 * ASCII case only). Display names are not unique: when several accounts share one, their user
 * names are offered instead of picking one.
 */
export function matchAccount(db: Database, query: string): AccountMatch {
  const account = findAccount(db, query);
  if (account) return { kind: "one", account };
  const rows = db
    .prepare(`SELECT * FROM accounts WHERE lower(name) = ? ORDER BY last_scan_id DESC, user_name LIMIT ?`)
    .all(foldAsciiCase(query), SEVERAL_LIMIT) as (AccountRow & { user_name: string })[];
  const [first] = rows;
  if (!first) return { kind: "none" };
  if (rows.length === 1) return { kind: "one", account: toStored(first) };
  return { kind: "several", userNames: rows.map((row) => row.user_name) };
}

/** The accounts present in a given scan (the population that scan scored). */
export function listScanAccounts(db: Database, scanId: number): StoredAccount[] {
  return (db.prepare("SELECT * FROM accounts WHERE last_scan_id = ?").all(scanId) as AccountRow[]).map(
    toStored,
  );
}

/** Warden's remembered activity for every account of a source, keyed by account id. */
export function loadActivityHistory(db: Database, source: string): Map<string, ActivityHistory> {
  const rows = db
    .prepare("SELECT id, first_seen_at, last_active_at FROM accounts WHERE source = ?")
    .all(source) as {
    id: string;
    first_seen_at: string;
    last_active_at: string | null;
  }[];
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
