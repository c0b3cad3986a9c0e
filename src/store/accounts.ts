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
  // Credentials and Entra attributes (src/core/model.ts).
  "expiresAt",
  "lastUsedAt",
  "lastSignInAt",
  "lastAppOnlySignInAt",
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

export interface AccountRow {
  snapshot: string;
  first_seen_at: string;
  last_seen_at: string;
  last_scan_id: number;
}

/**
 * A stored account's row with its snapshot (migration 17 keeps snapshots in a table of their own):
 * `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}`, the join on account_snapshots' key.
 */
export const ACCOUNT_COLUMNS =
  "a.source, a.id, a.user_name, a.name, a.owner_email, a.active, s.snapshot, a.first_seen_at, a.last_seen_at, a.last_active_at, a.last_scan_id";
export const ACCOUNTS_WITH_SNAPSHOTS =
  "accounts a JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id";

export const toStored = (row: AccountRow): StoredAccount => ({
  identity: identityFromJson(row.snapshot),
  firstSeenAt: new Date(row.first_seen_at),
  lastSeenAt: new Date(row.last_seen_at),
  lastScanId: row.last_scan_id,
});

/** The account `id` of `source`: ids are unique within a source only, so both are needed. */
export function findAccount(db: Database, source: string, id: string): StoredAccount | undefined {
  const row = db
    .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.source = ? AND a.id = ?`)
    .get(source, id) as AccountRow | undefined;
  return row ? toStored(row) : undefined;
}

/** What a lookup matched: one account, several (by user name, qualified by source where needed), or nothing. */
export type AccountMatch =
  | { kind: "one"; account: StoredAccount }
  | { kind: "several"; userNames: string[] }
  | { kind: "none" };

/** Matches listed when several accounts answer one query. */
export const SEVERAL_LIMIT = 10;

export type NamedRow = AccountRow & { source: string; user_name: string };

/** "svc_sync (servicenow-eu)": how a lookup names an account of one source among several. */
export const qualifiedName = (userName: string, source: string): string => `${userName} (${source})`;
export const QUALIFIED = /^(.+) \(([^()]+)\)$/s;

/**
 * A lookup's match, in order: id, user name, an Entra app's appId, then display name (both case-insensitive, ASCII
 * case only; an exact-case user name first). Parameters are bound, so input like
 * `svc^ORactive=true` is only ever compared literally; an id match wins over a user name that
 * happens to look like one; each statement reads an index (migration 6), never the whole table.
 *
 * Ids and user names are unique within a source, not across sources: when accounts of several
 * sources match, they are listed as "user name (source)", which a lookup then matches in that
 * source alone. Display names are not unique at all: when several accounts share one, their user
 * names are offered instead of picking one.
 */
export function matchAccount(db: Database, query: string): AccountMatch {
  const byId = db
    .prepare(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.id = ? ORDER BY a.source LIMIT ?`,
    )
    .all(query, SEVERAL_LIMIT) as NamedRow[];
  if (byId.length > 0) return oneOrSeveral(byId);
  // lower(user_name) is what the accounts_by_user_name index holds; foldAsciiCase matches it.
  const byUserName = db
    .prepare(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
        WHERE lower(a.user_name) = ? ORDER BY a.source, a.last_scan_id DESC LIMIT ?`,
    )
    .all(foldAsciiCase(query), SEVERAL_LIMIT) as NamedRow[];
  const exactCase = byUserName.filter((row) => row.user_name === query);
  if (byUserName.length > 0) return oneOrSeveral(exactCase.length > 0 ? exactCase : byUserName);
  // An Entra application by its application (client) id, on the partial index of migration 17.
  const byAppId = db
    .prepare(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
        WHERE json_extract(s.snapshot, '$.attributes.kind') = 'entra'
          AND lower(json_extract(s.snapshot, '$.attributes.appId')) = ?
        ORDER BY a.source LIMIT ?`,
    )
    .all(foldAsciiCase(query), SEVERAL_LIMIT) as NamedRow[];
  if (byAppId.length > 0) return oneOrSeveral(byAppId);
  const qualified = QUALIFIED.exec(query);
  if (qualified) {
    const [, name = "", source = ""] = qualified;
    const inSource = db
      .prepare(
        `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
          WHERE a.source = ? AND (a.id = ? OR lower(a.user_name) = ?)
          ORDER BY a.id = ? DESC, a.user_name = ? DESC LIMIT 1`,
      )
      .get(source, name, foldAsciiCase(name), name, name) as NamedRow | undefined;
    if (inSource) return { kind: "one", account: toStored(inSource) };
  }
  const byName = db
    .prepare(
      `SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS}
        WHERE lower(a.name) = ? ORDER BY a.last_scan_id DESC, a.user_name LIMIT ?`,
    )
    .all(foldAsciiCase(query), SEVERAL_LIMIT) as NamedRow[];
  if (byName.length === 0) return { kind: "none" };
  if (byName.length === 1) return { kind: "one", account: toStored(byName[0] as NamedRow) };
  return { kind: "several", userNames: namesOf(byName) };
}

/** The account a lookup names, when it names exactly one. */
export function resolveAccount(db: Database, query: string): StoredAccount | undefined {
  const match = matchAccount(db, query);
  return match.kind === "one" ? match.account : undefined;
}

/**
 * Id and user-name matches: within one source there is one (the first, as ordered), across
 * sources there are several.
 */
export function oneOrSeveral(rows: NamedRow[]): AccountMatch {
  const sources = new Set(rows.map((row) => row.source));
  if (sources.size === 1) {
    // An Entra display name is not unique in its tenant: several apps are offered by appId.
    if (rows.length > 1 && rows.every((row) => row.user_name === rows[0]?.user_name)) {
      const appIds = rows.map((row) => appIdOf(row));
      if (appIds.every((id) => id !== undefined)) return { kind: "several", userNames: appIds };
    }
    return { kind: "one", account: toStored(rows[0] as NamedRow) };
  }
  return { kind: "several", userNames: rows.map((row) => qualifiedName(row.user_name, row.source)) };
}

/** User names, qualified by source where accounts of several sources are listed. */
export function namesOf(rows: NamedRow[]): string[] {
  const sources = new Set(rows.map((row) => row.source));
  return rows.map((row) => (sources.size > 1 ? qualifiedName(row.user_name, row.source) : row.user_name));
}

/**
 * The accounts present in each source's latest successful scan: the population digests and
 * owner messages cover, across every source.
 */
export function listLatestAccounts(db: Database): StoredAccount[] {
  const rows = db
    .prepare(
      `SELECT ${ACCOUNT_COLUMNS}
         FROM (SELECT source, max(id) AS id FROM scans WHERE status = 'succeeded' GROUP BY source) l
         JOIN accounts a ON a.last_scan_id = l.id AND a.source = l.source
         JOIN account_snapshots s ON s.source = a.source AND s.account_id = a.id`,
    )
    .all() as AccountRow[];
  return rows.map(toStored);
}

/** The accounts present in a given scan (the population that scan scored). */
export function listScanAccounts(db: Database, scanId: number): StoredAccount[] {
  return (
    db
      .prepare(`SELECT ${ACCOUNT_COLUMNS} FROM ${ACCOUNTS_WITH_SNAPSHOTS} WHERE a.last_scan_id = ?`)
      .all(scanId) as AccountRow[]
  ).map(toStored);
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

/** The application (client) id of an Entra account's row; undefined for other sources. */
function appIdOf(row: NamedRow): string | undefined {
  const { attributes } = identityFromJson(row.snapshot);
  return attributes.kind === "entra" ? attributes.appId : undefined;
}
