import type { Database } from "better-sqlite3";
import type { ActivityHistory, MachineIdentity } from "../core/model.js";

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
  return JSON.parse(json, (key, value) =>
    DATE_KEYS.has(key) && typeof value === "string" ? new Date(value) : value,
  ) as MachineIdentity;
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
 * Finds an account by exact sys_id or user_name (case-insensitive on the name). Parameters are
 * bound, so input like `svc^ORactive=true` is only ever compared literally.
 */
export function findAccount(db: Database, idOrName: string): StoredAccount | undefined {
  const row = db
    .prepare(
      "SELECT * FROM accounts WHERE id = ? OR user_name = ? COLLATE NOCASE ORDER BY last_scan_id DESC LIMIT 1",
    )
    .get(idOrName, idOrName) as AccountRow | undefined;
  return row ? toStored(row) : undefined;
}

/** Accounts whose name contains `text` (for "did you mean"), closest first. */
export function suggestAccounts(db: Database, text: string, limit = 5): string[] {
  const needle = text.toLowerCase();
  const names = db.prepare("SELECT user_name FROM accounts").pluck().all() as string[];
  return names
    .map((name) => ({ name, distance: editDistance(needle, name.toLowerCase()) }))
    .filter(
      ({ name, distance }) =>
        name.toLowerCase().includes(needle) || distance <= Math.max(2, needle.length / 3),
    )
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}

/** The accounts present in a given scan (the population that scan scored). */
export function listScanAccounts(db: Database, scanId: number): StoredAccount[] {
  return (db.prepare("SELECT * FROM accounts WHERE last_scan_id = ?").all(scanId) as AccountRow[]).map(
    toStored,
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
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
