import { hostname } from "node:os";
import type { Score } from "../../core/compute-score.js";
import type { Inventory } from "../../core/model.js";
import { isProcessAlive } from "../process-liveness.js";
import {
  BEAT_SCAN_SQL,
  isScanLive,
  RUNNING_SCANS_SQL,
  type RunningScanRow,
  type ScanRecord,
  type ScanRow,
  type ScanStatus,
  toScanRecord,
} from "../scans.js";
import { appendAudit } from "./audit-log.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

/** The advisory lock a scan claim holds while it checks for a running scan and records its own. */
const SCAN_CLAIM_LOCK = 0x777363616e;

/** src/store/scans.ts startScan. */
export async function startScan(db: PgDb, source: string, startedAt: Date): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    "INSERT INTO scans (source, started_at, status, pid, host) VALUES ($1, $2, 'running', $3, $4) RETURNING id",
    [source, startedAt.toISOString(), process.pid, hostname()],
  );
  const id = Number(row?.id);
  await beatScan(db, id, startedAt);
  return id;
}

/** src/store/scans.ts findRunningScan: in a live process of this machine, or beating on another. */
export async function findRunningScan(db: PgDb, now: Date): Promise<ScanRecord | undefined> {
  const rows = await db.query<RunningScanRow>(RUNNING_SCANS_SQL);
  const live = rows.find((row) =>
    row.host === hostname()
      ? row.pid !== null && isProcessAlive(row.pid)
      : row.heartbeat_at !== null && isScanLive(row, now),
  );
  return live ? toScanRecord(live) : undefined;
}

/** src/store/scans.ts beatScan. */
export async function beatScan(db: PgDb, scanId: number, at: Date): Promise<void> {
  await db.execute(BEAT_SCAN_SQL, [at.toISOString(), scanId]);
}

/** src/store/scans.ts failScan. */
export async function failScan(db: PgDb, scanId: number, finishedAt: Date, error: string): Promise<void> {
  await db.execute(
    "UPDATE scans SET status = 'failed', finished_at = $1, error = $2 WHERE id = $3 AND status = 'running'",
    [finishedAt.toISOString(), error, scanId],
  );
}

/**
 * src/store/claim-scan.ts claimScan: checked and recorded under a transaction-scoped advisory lock,
 * so two replicas (or a chat command and the schedule) claiming together cannot both start.
 */
export async function claimScan(
  db: PgDb,
  source: string,
  startedAt: Date,
): Promise<{ id: number; running?: undefined } | { id?: undefined; running: ScanRecord }> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [SCAN_CLAIM_LOCK]);
    const running = await findRunningScan(tx, startedAt);
    return running ? { running } : { id: await startScan(tx, source, startedAt) };
  });
}

/** src/store/claim-scan.ts recordScanFailure. */
export async function recordScanFailure(
  db: PgDb,
  failure: { scanId: number; source: string; at: Date; reason: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await failScan(tx, failure.scanId, failure.at, failure.reason);
    await appendAudit(tx, {
      at: failure.at,
      event: "scan.failed",
      actor: "warden",
      subject: `scan:${failure.scanId}`,
      detail: { source: failure.source, reason: failure.reason },
    });
  });
}

/**
 * src/store/scans.ts failInterruptedScans. The UPDATE fails a scan only while it is still running:
 * between the read and the write another replica may have failed it (counted once, by that one)
 * or its owner may have completed it (a succeeded scan must not turn failed).
 */
export async function failInterruptedScans(db: PgDb, now: Date): Promise<number> {
  const running = await db.query<RunningScanRow>(RUNNING_SCANS_SQL);
  let failed = 0;
  for (const scan of running) {
    // A live process on this machine is still scanning; on another, one that still beats.
    if (!isScanLive(scan, now))
      failed += await db.execute(
        `UPDATE scans SET status = 'failed', finished_at = $1,
           error = 'interrupted: warden stopped before the scan finished' WHERE id = $2 AND status = 'running'`,
        [now.toISOString(), scan.id],
      );
  }
  return failed;
}

/** src/store/scans.ts listScans. */
export async function listScans(
  db: PgDb,
  options: { status?: ScanStatus; limit?: number } = {},
): Promise<ScanRecord[]> {
  const rows = options.status
    ? await db.query<ScanRow>("SELECT * FROM scans WHERE status = $1 ORDER BY id DESC LIMIT $2", [
        options.status,
        options.limit ?? 10,
      ])
    : await db.query<ScanRow>("SELECT * FROM scans ORDER BY id DESC LIMIT $1", [options.limit ?? 10]);
  return rows.map(toScanRecord);
}

/** src/store/scans.ts listLatestScans: each source's newest scan (of `status`, when given). */
export async function listLatestScans(
  db: PgDb,
  options: { status?: ScanStatus } = {},
): Promise<ScanRecord[]> {
  const rows = options.status
    ? await db.query<ScanRow>(
        `SELECT * FROM scans WHERE id IN (
           SELECT max(id) FROM scans WHERE status = $1 GROUP BY source) ORDER BY id DESC`,
        [options.status],
      )
    : await db.query<ScanRow>(
        "SELECT * FROM scans WHERE id IN (SELECT max(id) FROM scans GROUP BY source) ORDER BY id DESC",
      );
  return rows.map(toScanRecord);
}

/** src/store/scans.ts listScoreHistory: oldest first. */
export async function listScoreHistory(
  db: PgDb,
  options: { source: string; limit: number },
): Promise<number[]> {
  const rows = await db.query<{ score: number }>(
    "SELECT score FROM scans WHERE status = 'succeeded' AND source = $1 AND score IS NOT NULL ORDER BY id DESC LIMIT $2",
    [options.source, options.limit],
  );
  return rows.map((row) => row.score).reverse();
}

/** src/store/scans.ts listPreviousScans. */
export async function listPreviousScans(db: PgDb): Promise<ScanRecord[]> {
  const rows = await db.query<ScanRow>(
    `SELECT * FROM scans WHERE id IN (
       SELECT max(p.id) FROM scans p
        WHERE p.status = 'succeeded'
          AND p.id < (SELECT max(l.id) FROM scans l WHERE l.status = 'succeeded' AND l.source = p.source)
        GROUP BY p.source)
     ORDER BY id DESC`,
  );
  return rows.map(toScanRecord);
}

/** src/store/scans.ts completeScan. */
export async function completeScan(
  db: PgDb,
  scanId: number,
  summary: { finishedAt: Date; identities: number; findings: number; score: Score; inventory: Inventory },
): Promise<void> {
  const { inventory } = summary;
  await db.execute(
    `UPDATE scans SET status = 'succeeded', finished_at = $1, identities = $2, findings = $3, score = $4,
       score_breakdown = $5, blind_spots = $6, coverage = $7, requests = $8 WHERE id = $9`,
    [
      summary.finishedAt.toISOString(),
      summary.identities,
      summary.findings,
      summary.score.value,
      JSON.stringify(summary.score),
      JSON.stringify(inventory.blindSpots),
      JSON.stringify({
        apiLogSince: inventory.coverage.apiLogSince?.toISOString(),
        uiLoginLogSince: inventory.coverage.uiLoginLogSince?.toISOString(),
      }),
      inventory.requests,
      scanId,
    ],
  );
}

const PREVIOUS_DIGEST_SCAN = `FROM digests d JOIN scans s ON s.id = d.scan_id
  WHERE s.status = 'succeeded' AND s.id < $1 ORDER BY d.id DESC LIMIT 1`;

/** src/store/scans.ts previousDigest. */
export async function previousDigest(
  db: PgDb,
  latestId: number,
): Promise<{ since: Date; score: number | undefined } | undefined> {
  const [row] = await db.query<ScanRow & { digest_score: number | null }>(
    `SELECT s.*, d.score AS digest_score ${PREVIOUS_DIGEST_SCAN}`,
    [latestId],
  );
  if (!row) return undefined;
  const scan = toScanRecord(row);
  return { since: scan.finishedAt ?? scan.startedAt, score: row.digest_score ?? scan.score?.value };
}

/** src/store/scans.ts scanOfPreviousDigest. */
export async function scanOfPreviousDigest(db: PgDb, latestId: number): Promise<ScanRecord | undefined> {
  const [row] = await db.query<ScanRow>(`SELECT s.* ${PREVIOUS_DIGEST_SCAN}`, [latestId]);
  return row ? toScanRecord(row) : undefined;
}

/** The scan records of the scans repository (with SCAN_WRITE_PG and SAVE_SCAN_RESULT_PG). */
export const SCANS_PG = {
  beatScan,
  claimScan,
  recordScanFailure,
  startScan,
  findRunningScan,
  failScan,
  failInterruptedScans,
  listLatestScans,
  listPreviousScans,
  listScans,
  listScoreHistory,
  previousDigest,
  completeScan,
  scanOfPreviousDigest,
} satisfies Partial<PostgresQueries["scans"]>;
