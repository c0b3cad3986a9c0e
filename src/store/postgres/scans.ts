import { hostname } from "node:os";
import { isProcessAlive } from "../process-liveness.js";
import {
  BEAT_SCAN_SQL,
  isScanLive,
  RUNNING_SCANS_SQL,
  type RunningScanRow,
  type ScanRecord,
  toScanRecord,
} from "../scans.js";
import { appendAudit } from "./audit-log.js";
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
