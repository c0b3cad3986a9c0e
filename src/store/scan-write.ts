import type { Database, Statement } from "better-sqlite3";
import { isDisabled, latestActivity } from "../core/assess-identity.js";
import type { Finding, MachineIdentity } from "../core/model.js";
import { normalizeEmail } from "../identity/normalize-email.js";
import { identityToJson } from "./accounts.js";

/**
 * The steps of a scan's store write, each one bounded batch: saveScanResult runs them in one go,
 * storeScanResult (src/scan/) in one store transaction with a yield to the event loop between
 * batches. Every step is only correct inside the transaction that runs them all: a finding is told
 * apart as "seen this scan" by its last_scan_id.
 */

/** What every batch of one scan's write shares. */
export interface ScanWrite {
  source: string;
  scanId: number;
  /** The scan's end, as stored (ISO). */
  at: string;
}

// Prepared once per connection: 50,000 rows go through a few hundred batches.
const statements = new WeakMap<Database, Map<string, Statement>>();
function prepared(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

// Positional parameters: binding by name costs a property lookup per value, 100,000 times over.
// accounts.snapshot holds '{}' since migration 17: the JSON is in account_snapshots.
const UPSERT_ACCOUNT = `
  INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at,
    last_active_at, last_scan_id)
  VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?)
  ON CONFLICT (source, id) DO UPDATE SET user_name = excluded.user_name, name = excluded.name,
    owner_email = excluded.owner_email, active = excluded.active, snapshot = '{}',
    last_seen_at = excluded.last_seen_at, last_scan_id = excluded.last_scan_id,
    last_active_at = CASE WHEN last_active_at IS NULL OR excluded.last_active_at > last_active_at
                          THEN coalesce(excluded.last_active_at, last_active_at) ELSE last_active_at END`;
const UPSERT_SNAPSHOT = `
  INSERT INTO account_snapshots (source, account_id, snapshot) VALUES (?, ?, ?)
  ON CONFLICT (source, account_id) DO UPDATE SET snapshot = excluded.snapshot`;

// An account read again exactly as stored (most of them, every day): only the two columns every
// scan moves are written, in a row of about 200 bytes; its snapshot is only read, to compare.
// Its name, user name and owner stay, and so do the entries of the indexes on them
// (lower(user_name), lower(name)), which a full upsert would rewrite. Its activity is in the
// snapshot, so an unchanged snapshot cannot move last_active_at either.
const TOUCH_UNCHANGED = `
  UPDATE accounts SET last_seen_at = ?, last_scan_id = ?
  WHERE source = ? AND id = ?
    AND EXISTS (SELECT 1 FROM account_snapshots s WHERE s.source = ? AND s.account_id = ? AND s.snapshot = ?)`;

/**
 * Stores a batch of the scan's accounts (with warden's activity history): an account whose
 * snapshot did not change gets its scan and time only, any other is upserted whole, snapshot and
 * all. Callers pass them in primary-key order: B-tree inserts at the right edge are far cheaper
 * than random ones.
 */
export function writeScanAccounts(
  db: Database,
  write: ScanWrite,
  identities: readonly MachineIdentity[],
): number {
  const upsert = prepared(db, UPSERT_ACCOUNT);
  const upsertSnapshot = prepared(db, UPSERT_SNAPSHOT);
  const touch = prepared(db, TOUCH_UNCHANGED);
  const { source, scanId, at } = write;
  for (const identity of identities) {
    const snapshot = identityToJson(identity);
    if (touch.run(at, scanId, source, identity.id, source, identity.id, snapshot).changes > 0) continue;
    upsert.run(
      source,
      identity.id,
      identity.userName,
      identity.name,
      normalizeEmail(identity.owner?.email) ?? null,
      isDisabled(identity) ? 0 : 1,
      at,
      at,
      // warden's own history: the latest activity in any signal (last_active_at only moves forward).
      latestActivity(identity)?.toISOString() ?? null,
      scanId,
    );
    upsertSnapshot.run(source, identity.id, snapshot);
  }
  return identities.length;
}

// The open finding of an account and rule, through the findings_open partial unique index.
const REFRESH_FINDING = `
  UPDATE findings SET severity = ?, summary = ?, evidence = ?, remediation = ?, last_seen_at = ?, last_scan_id = ?
  WHERE source = ? AND account_id = ? AND rule = ? AND resolved_at IS NULL`;
const INSERT_FINDING = `
  INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
    first_seen_at, last_seen_at, first_scan_id, last_scan_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Opens or refreshes a batch of the scan's findings (per account id): an open one is refreshed. */
export function writeScanFindings(
  db: Database,
  write: ScanWrite,
  findings: readonly (readonly [accountId: string, findings: readonly Finding[]])[],
): { opened: number; updated: number } {
  const refresh = prepared(db, REFRESH_FINDING);
  const insert = prepared(db, INSERT_FINDING);
  const { source, scanId, at } = write;
  let opened = 0;
  let updated = 0;
  for (const [accountId, list] of findings) {
    for (const { rule, severity, summary, remediation, evidence } of list) {
      const json = JSON.stringify(evidence);
      if (
        refresh.run(severity, summary, json, remediation, at, scanId, source, accountId, rule).changes > 0
      ) {
        updated += 1;
      } else {
        insert.run(source, accountId, rule, severity, summary, json, remediation, at, at, scanId, scanId);
        opened += 1;
      }
    }
  }
  return { opened, updated };
}

const RESOLVE_UNSEEN = `
  UPDATE findings SET resolved_at = ?, resolved_scan_id = ?
  WHERE id IN (SELECT id FROM findings WHERE source = ? AND resolved_at IS NULL AND last_scan_id <> ? LIMIT ?)`;

/**
 * Resolves up to `limit` open findings of the source that this scan did not find again (after its
 * findings were written); the caller repeats while it returns `limit`.
 */
export function resolveUnseenFindings(db: Database, write: ScanWrite, limit: number): number {
  return prepared(db, RESOLVE_UNSEEN).run(write.at, write.scanId, write.source, write.scanId, limit).changes;
}

/** The connection's settings a scan's write changes, to be put back after it (endScanWrite). */
export interface PausedWriteSettings {
  /** wal_autocheckpoint, in pages. */
  autocheckpoint: number;
  /** cache_size as the pragma reads it (negative: KiB). */
  cacheSize: number;
}

/**
 * The page cache a scan's write runs with, in KiB: SQLite writes the dirty pages still in the
 * cache at COMMIT, on this thread, so better-sqlite3's 16 MB default held the event loop about
 * 90 ms at the commit of a 50,000-account scan. With 4 MB, pages spill into the WAL as the batches
 * fill the cache, between turns of the loop (https://www.sqlite.org/pragma.html#pragma_cache_spill),
 * and the commit's block stays under 50 ms (77–92 → 42–49 ms for a first scan). A write with most
 * snapshots changed takes longer: 1.3–1.6 s → 1.8–1.9 s at 50,000 (bench: measure-store-write).
 */
const SCAN_WRITE_CACHE_KIB = 4000;

/**
 * The commit of a big scan would trigger an automatic checkpoint (copying the whole WAL into the
 * database file) inside the write; the scan pauses it and checkpoints right after instead
 * (https://www.sqlite.org/pragma.html#pragma_wal_autocheckpoint), and writes with a smaller page
 * cache (SCAN_WRITE_CACHE_KIB). Returns the settings to restore.
 */
export function beginScanWrite(db: Database): PausedWriteSettings {
  const autocheckpoint = db.pragma("wal_autocheckpoint", { simple: true }) as number;
  const cacheSize = db.pragma("cache_size", { simple: true }) as number;
  db.pragma("wal_autocheckpoint = 0");
  db.pragma(`cache_size = -${SCAN_WRITE_CACHE_KIB}`);
  return { autocheckpoint, cacheSize };
}

export function endScanWrite(db: Database, settings: PausedWriteSettings): void {
  db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.trunc(settings.autocheckpoint))}`);
  if (Number.isSafeInteger(settings.cacheSize)) db.pragma(`cache_size = ${settings.cacheSize}`);
}
