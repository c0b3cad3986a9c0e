import { createHash } from "node:crypto";
import { isDisabled, latestActivity } from "../../core/assess-identity.js";
import type { Finding, MachineIdentity } from "../../core/model.js";
import { StoreError } from "../../errors.js";
import { normalizeEmail } from "../../identity/normalize-email.js";
import { identityToJson } from "../accounts.js";
import type { PausedWriteSettings, ScanWrite } from "../scan-write.js";
import { checkpointDatabase } from "./checkpoint-database.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/**
 * The steps of a scan's store write on PostgreSQL (src/store/scan-write.ts): each step sends a few
 * statements per batch of up to ROWS rows, its values as arrays expanded by unnest(), never one
 * query per row (https://www.postgresql.org/docs/current/functions-array.html).
 */
const ROWS = 1000;

/**
 * Every step first locks the scan's row (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS):
 * SQLite's single write lock made two writes of one scan take turns, here a second replica saving
 * the same scan waits for the first to commit, then finds the scan succeeded and is refused
 * instead of writing it all again (findings refreshed twice, a second audit entry). A failed scan
 * may still be completed, as on SQLite (an old scan another replica took for interrupted).
 * NO KEY UPDATE: rows that merely refer to the scan (their foreign-key checks take KEY SHARE) are
 * not held up by a long write.
 */
export async function lockScan(db: PgDb, scanId: number): Promise<void> {
  const [scan] = await db.query<{ status: string }>(
    "SELECT status FROM scans WHERE id = $1 FOR NO KEY UPDATE",
    [scanId],
  );
  if (scan?.status === "succeeded")
    throw new StoreError(
      "E_STORE_SCAN_SAVED",
      `scan ${scanId} is already saved (another warden saved it): its results are not written again`,
    );
}

/**
 * Cuts `items` into runs in which every key appears once, in order: a multi-row upsert may touch a
 * row only once (https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT), and a key
 * given twice is written twice in turn, as the row-by-row SQLite write does.
 */
function batches<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (current.length >= ROWS || keys.has(k)) {
      out.push(current);
      current = [];
      keys = new Set();
    }
    current.push(item);
    keys.add(k);
  }
  if (current.length > 0) out.push(current);
  return out;
}

// An account read again exactly as stored: only the two columns every scan moves are written
// (see TOUCH_UNCHANGED in src/store/scan-write.ts). Answers the ids it touched. The snapshot is
// compared by the SHA-256 of its UTF-8 text (convert_to and sha256:
// https://www.postgresql.org/docs/current/functions-binarystring.html), so an unchanged re-scan
// sends 64 characters per account instead of its whole JSON: sending 50,000 snapshots as a text[]
// parameter took most of a 37 s re-scan. (SHA-256 rather than md5(): FIPS-mode servers refuse MD5.)
// The hash is taken in a subquery per account, by its key: written as a join condition, the
// planner could hash-join on it and hash every stored snapshot for each batch (51 s at 50,000).
const TOUCH_UNCHANGED = `
  UPDATE accounts a SET last_seen_at = $1, last_scan_id = $2
    FROM unnest($4::text[], $5::text[]) AS v(id, hash)
   WHERE a.source = $3 AND a.id = v.id
     AND (SELECT encode(sha256(convert_to(s.snapshot, 'UTF8')), 'hex') FROM account_snapshots s
           WHERE s.source = $3 AND s.account_id = v.id) = v.hash
  RETURNING a.id`;

/** The SHA-256 of a snapshot's UTF-8 text, in hex, as TOUCH_UNCHANGED computes it of the stored one. */
const snapshotHash = (snapshot: string): string =>
  createHash("sha256").update(snapshot, "utf8").digest("hex");

// accounts.snapshot holds '{}' (the JSON is in account_snapshots); last_active_at only moves forward.
const UPSERT_ACCOUNTS = `
  INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at,
    last_active_at, last_scan_id)
  SELECT $1, v.id, v.user_name, v.name, v.owner_email, v.active, '{}', $2, $2, v.last_active_at, $3
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[]) WITH ORDINALITY
      AS v(id, user_name, name, owner_email, active, last_active_at, n)
   ORDER BY v.n
  ON CONFLICT (source, id) DO UPDATE SET user_name = excluded.user_name, name = excluded.name,
    owner_email = excluded.owner_email, active = excluded.active, snapshot = '{}',
    last_seen_at = excluded.last_seen_at, last_scan_id = excluded.last_scan_id,
    last_active_at = CASE WHEN accounts.last_active_at IS NULL OR excluded.last_active_at > accounts.last_active_at
                          THEN coalesce(excluded.last_active_at, accounts.last_active_at)
                          ELSE accounts.last_active_at END`;
const UPSERT_SNAPSHOTS = `
  INSERT INTO account_snapshots (source, account_id, snapshot)
  SELECT $1, v.id, v.snapshot FROM unnest($2::text[], $3::text[]) AS v(id, snapshot)
  ON CONFLICT (source, account_id) DO UPDATE SET snapshot = excluded.snapshot`;

/** src/store/scan-write.ts writeScanAccounts, in batches of up to ROWS accounts. */
export async function writeScanAccounts(
  db: PgDb,
  write: ScanWrite,
  identities: readonly MachineIdentity[],
): Promise<number> {
  const { source, scanId, at } = write;
  await db.transaction(async (tx) => {
    await lockScan(tx, scanId);
    for (const batch of batches(identities, (identity) => identity.id)) {
      const snapshots = batch.map(identityToJson);
      const touched = new Set(
        (
          await tx.query<{ id: string }>(TOUCH_UNCHANGED, [
            at,
            scanId,
            source,
            batch.map((identity) => identity.id),
            snapshots.map(snapshotHash),
          ])
        ).map((row) => row.id),
      );
      const changed = batch.flatMap((identity, i) => (touched.has(identity.id) ? [] : [{ identity, i }]));
      if (changed.length === 0) continue;
      const ids = changed.map(({ identity }) => identity.id);
      await tx.execute(UPSERT_ACCOUNTS, [
        source,
        at,
        scanId,
        ids,
        changed.map(({ identity }) => identity.userName),
        changed.map(({ identity }) => identity.name),
        changed.map(({ identity }) => normalizeEmail(identity.owner?.email) ?? null),
        changed.map(({ identity }) => (isDisabled(identity) ? 0 : 1)),
        // warden's own history: the latest activity in any signal.
        changed.map(({ identity }) => latestActivity(identity)?.toISOString() ?? null),
      ]);
      await tx.execute(UPSERT_SNAPSHOTS, [source, ids, changed.map(({ i }) => snapshots[i])]);
    }
  });
  return identities.length;
}

// The open finding of an account and rule, through the findings_open partial unique index.
const REFRESH_FINDINGS = `
  UPDATE findings f SET severity = v.severity, summary = v.summary, evidence = v.evidence,
         remediation = v.remediation, last_seen_at = $1, last_scan_id = $2
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
      AS v(account_id, rule, severity, summary, evidence, remediation)
   WHERE f.source = $3 AND f.account_id = v.account_id AND f.rule = v.rule AND f.resolved_at IS NULL
  RETURNING f.account_id, f.rule`;
const INSERT_FINDINGS = `
  INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation,
    first_seen_at, last_seen_at, first_scan_id, last_scan_id)
  SELECT $1, v.account_id, v.rule, v.severity, v.summary, v.evidence, v.remediation, $2, $2, $3, $3
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY
      AS v(account_id, rule, severity, summary, evidence, remediation, n)
   ORDER BY v.n`;

interface FindingRow {
  accountId: string;
  rule: string;
  severity: string;
  summary: string;
  evidence: string;
  remediation: string;
}

const findingKey = (row: { accountId: string; rule: string }) => JSON.stringify([row.accountId, row.rule]);

const columns = (rows: readonly FindingRow[]) => [
  rows.map((r) => r.accountId),
  rows.map((r) => r.rule),
  rows.map((r) => r.severity),
  rows.map((r) => r.summary),
  rows.map((r) => r.evidence),
  rows.map((r) => r.remediation),
];

/** src/store/scan-write.ts writeScanFindings: an open finding is refreshed, any other opened. */
export async function writeScanFindings(
  db: PgDb,
  write: ScanWrite,
  findings: readonly (readonly [accountId: string, findings: readonly Finding[]])[],
): Promise<{ opened: number; updated: number }> {
  const { source, scanId, at } = write;
  const rows: FindingRow[] = findings.flatMap(([accountId, list]) =>
    list.map(({ rule, severity, summary, remediation, evidence }) => ({
      accountId,
      rule,
      severity,
      summary,
      evidence: JSON.stringify(evidence),
      remediation,
    })),
  );
  return db.transaction(async (tx) => {
    await lockScan(tx, scanId);
    let opened = 0;
    let updated = 0;
    for (const batch of batches(rows, findingKey)) {
      const refreshed = new Set(
        (
          await tx.query<{ account_id: string; rule: string }>(REFRESH_FINDINGS, [
            at,
            scanId,
            source,
            ...columns(batch),
          ])
        ).map((row) => findingKey({ accountId: row.account_id, rule: row.rule })),
      );
      updated += refreshed.size;
      const fresh = batch.filter((row) => !refreshed.has(findingKey(row)));
      if (fresh.length > 0)
        opened += await tx.execute(INSERT_FINDINGS, [source, at, scanId, ...columns(fresh)]);
    }
    return { opened, updated };
  });
}

/** src/store/scan-write.ts resolveUnseenFindings: up to `limit` open findings this scan did not see again. */
export async function resolveUnseenFindings(db: PgDb, write: ScanWrite, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    await lockScan(tx, write.scanId);
    return tx.execute(
      `UPDATE findings SET resolved_at = $1, resolved_scan_id = $2
        WHERE id IN (SELECT id FROM findings WHERE source = $3 AND resolved_at IS NULL AND last_scan_id <> $2 LIMIT $4)`,
      [write.at, write.scanId, write.source, limit],
    );
  });
}

/**
 * src/store/scan-write.ts beginScanWrite: SQLite's WAL checkpoint and page cache have no
 * PostgreSQL counterpart a session needs to change; the server's checkpointer spreads its writes
 * on its own (https://www.postgresql.org/docs/current/wal-configuration.html). Nothing to restore.
 */
export async function beginScanWrite(_db: PgDb): Promise<PausedWriteSettings> {
  return { autocheckpoint: 0, cacheSize: 0 };
}

/** src/store/scan-write.ts endScanWrite: nothing was changed (see beginScanWrite). */
export async function endScanWrite(_db: PgDb, _settings: PausedWriteSettings): Promise<void> {}

/** The batched scan-write steps of the scans repository, with checkpointDatabase (a no-op here). */
export const SCAN_WRITE_PG = {
  writeScanAccounts,
  writeScanFindings,
  resolveUnseenFindings,
  beginScanWrite,
  endScanWrite,
  checkpointDatabase,
} satisfies Partial<PostgresQueries["scans"]>;
