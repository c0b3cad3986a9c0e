import { hostname } from "node:os";
import type { Database } from "better-sqlite3";
import type { Score } from "../core/compute-score.js";
import type { BlindSpot, Inventory } from "../core/model.js";
import { isClaimLive, isProcessAlive } from "./process-liveness.js";

export type ScanStatus = "running" | "succeeded" | "failed";

/** A scan as the store keeps it. */
export interface ScanRecord {
  id: number;
  source: string;
  startedAt: Date;
  finishedAt: Date | undefined;
  status: ScanStatus;
  error: string | undefined;
  identities: number | undefined;
  findings: number | undefined;
  score: Score | undefined;
  blindSpots: BlindSpot[];
  coverage: Inventory["coverage"];
  requests: number | undefined;
}

export interface ScanRow {
  id: number;
  source: string;
  started_at: string;
  finished_at: string | null;
  status: ScanStatus;
  error: string | null;
  identities: number | null;
  findings: number | null;
  score: number | null;
  score_breakdown: string | null;
  blind_spots: string | null;
  coverage: string | null;
  requests: number | null;
}

const toDate = (value: string | null | undefined): Date | undefined => (value ? new Date(value) : undefined);

export function toScanRecord(row: ScanRow): ScanRecord {
  const coverage = row.coverage ? (JSON.parse(row.coverage) as Record<string, string | undefined>) : {};
  return {
    id: row.id,
    source: row.source,
    startedAt: new Date(row.started_at),
    finishedAt: toDate(row.finished_at),
    status: row.status,
    error: row.error ?? undefined,
    identities: row.identities ?? undefined,
    findings: row.findings ?? undefined,
    score: row.score_breakdown ? (JSON.parse(row.score_breakdown) as Score) : undefined,
    blindSpots: row.blind_spots ? (JSON.parse(row.blind_spots) as BlindSpot[]) : [],
    coverage: {
      apiLogSince: toDate(coverage.apiLogSince),
      uiLoginLogSince: toDate(coverage.uiLoginLogSince),
    },
    requests: row.requests ?? undefined,
  };
}

/** Records that a scan started (committed at once, so a killed scan leaves a trace). */
export function startScan(db: Database, source: string, startedAt: Date): number {
  const result = db
    .prepare("INSERT INTO scans (source, started_at, status, pid, host) VALUES (?, ?, 'running', ?, ?)")
    .run(source, startedAt.toISOString(), process.pid, hostname());
  const id = Number(result.lastInsertRowid);
  beatScan(db, id, startedAt);
  return id;
}

/** How often a running scan says it is alive (src/scan/run-scan.ts), and how long one beat counts. */
export const SCAN_HEARTBEAT_MS = 20_000;
export const SCAN_HEARTBEAT_LIVE_MS = 90_000;

/** A running scan's row as the liveness checks read it. */
export type RunningScanRow = ScanRow & {
  pid: number | null;
  host: string | null;
  heartbeat_at: string | null;
};

/**
 * Whether a running scan's process may still be scanning: on this machine, while its process
 * lives; on another (a replica), while it beats. A scan recorded before heartbeats (schema 24)
 * is judged by its age, as it was then.
 */
export function isScanLive(row: RunningScanRow, now: Date): boolean {
  if (row.host !== hostname() && row.heartbeat_at !== null) {
    return now.getTime() - Date.parse(row.heartbeat_at) <= SCAN_HEARTBEAT_LIVE_MS;
  }
  return isClaimLive({ pid: row.pid, host: row.host, since: new Date(row.started_at) }, now, 6 * 3_600_000);
}

/** Running scans with their last heartbeat, newest first (SQL for both backends). */
export const RUNNING_SCANS_SQL = `SELECT s.*, h.beat_at AS heartbeat_at FROM scans s
  LEFT JOIN scan_heartbeats h ON h.scan_id = s.id WHERE s.status = 'running' ORDER BY s.id DESC`;

/** A running scan's heartbeat; `$1` the time, `$2` the scan (both backends: each once, in order). */
export const BEAT_SCAN_SQL = `INSERT INTO scan_heartbeats (scan_id, beat_at)
  SELECT id, CAST($1 AS TEXT) FROM scans WHERE id = $2 AND status = 'running'
  ON CONFLICT (scan_id) DO UPDATE SET beat_at = excluded.beat_at`;

/** Notes that a scan is still going (its replica is alive). */
export function beatScan(db: Database, scanId: number, at: Date): void {
  db.prepare(BEAT_SCAN_SQL.replace(/\$\d/g, "?")).run(at.toISOString(), scanId);
}

/**
 * A scan in progress in a live process, if any: another `warden` (or replica) may be scanning
 * right now. A scan of another machine without heartbeats cannot be judged yet and does not count.
 */
export function findRunningScan(db: Database, now: Date): ScanRecord | undefined {
  const rows = db.prepare(RUNNING_SCANS_SQL).all() as RunningScanRow[];
  const live = rows.find((row) =>
    row.host === hostname()
      ? row.pid !== null && isProcessAlive(row.pid)
      : row.heartbeat_at !== null && isScanLive(row, now),
  );
  return live ? toScanRecord(live) : undefined;
}

/** Marks a scan failed with its reason; earlier results stay as they were. */
export function failScan(db: Database, scanId: number, finishedAt: Date, error: string): void {
  db.prepare(
    "UPDATE scans SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'",
  ).run(finishedAt.toISOString(), error, scanId);
}

/**
 * Scans still "running" when a new one starts were interrupted (process killed, machine restarted):
 * they are recorded as failed so the digest and /readyz say so.
 */
export function failInterruptedScans(db: Database, now: Date): number {
  const running = db.prepare(RUNNING_SCANS_SQL).all() as RunningScanRow[];
  const fail = db.prepare(
    "UPDATE scans SET status = 'failed', finished_at = ?, error = 'interrupted: warden stopped before the scan finished' WHERE id = ?",
  );
  let failed = 0;
  for (const scan of running) {
    // A live process on this machine is still scanning; on another, one that still beats.
    if (!isScanLive(scan, now)) failed += fail.run(now.toISOString(), scan.id).changes;
  }
  return failed;
}

/** The most recent scans, newest first, optionally only those with a given status. */
export function listScans(db: Database, options: { status?: ScanStatus; limit?: number } = {}): ScanRecord[] {
  const rows = (
    options.status
      ? db
          .prepare("SELECT * FROM scans WHERE status = ? ORDER BY id DESC LIMIT ?")
          .all(options.status, options.limit ?? 10)
      : db.prepare("SELECT * FROM scans ORDER BY id DESC LIMIT ?").all(options.limit ?? 10)
  ) as ScanRow[];
  return rows.map(toScanRecord);
}

/**
 * Each source's newest scan (of `status`, when given), newest first: what "the latest scan" means
 * once there are several sources, so one source's scan never hides another's.
 */
export function listLatestScans(db: Database, options: { status?: ScanStatus } = {}): ScanRecord[] {
  // Two statements: with a status, the newest per source is read from scans_by_status; an
  // "(@status IS NULL OR status = @status)" in one statement would read every scan either way.
  const rows = (
    options.status
      ? db
          .prepare(
            `SELECT * FROM scans WHERE id IN (
               SELECT max(id) FROM scans WHERE status = ? GROUP BY source) ORDER BY id DESC`,
          )
          .all(options.status)
      : db
          .prepare(
            "SELECT * FROM scans WHERE id IN (SELECT max(id) FROM scans GROUP BY source) ORDER BY id DESC",
          )
          .all()
  ) as ScanRow[];
  return rows.map(toScanRecord);
}

/**
 * The scores of `source`'s last `limit` successful scans, oldest first: the digest's sparkline.
 * Read from scans_by_status (status, id) newest first and stopped at `limit`.
 */
export function listScoreHistory(db: Database, options: { source: string; limit: number }): number[] {
  const scores = db
    .prepare(
      "SELECT score FROM scans WHERE status = 'succeeded' AND source = ? AND score IS NOT NULL ORDER BY id DESC LIMIT ?",
    )
    .pluck()
    .all(options.source, options.limit) as number[];
  return scores.reverse();
}

/** Each source's successful scan before its latest successful one, newest first. */
export function listPreviousScans(db: Database): ScanRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM scans WHERE id IN (
         SELECT max(p.id) FROM scans p
          WHERE p.status = 'succeeded'
            AND p.id < (SELECT max(l.id) FROM scans l WHERE l.status = 'succeeded' AND l.source = p.source)
          GROUP BY p.source)
       ORDER BY id DESC`,
    )
    .all() as ScanRow[];
  return rows.map(toScanRecord);
}

/** Writes the summary columns of a finished scan (inside saveScanResult's transaction). */
export function completeScan(
  db: Database,
  scanId: number,
  summary: { finishedAt: Date; identities: number; findings: number; score: Score; inventory: Inventory },
): void {
  const { inventory } = summary;
  db.prepare(
    `UPDATE scans SET status = 'succeeded', finished_at = ?, identities = ?, findings = ?, score = ?,
       score_breakdown = ?, blind_spots = ?, coverage = ?, requests = ? WHERE id = ?`,
  ).run(
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
  );
}

/**
 * The previous digest, when the scan it reported is older than `latestId`: when it was taken
 * (that scan's end) and the score it showed (the scan's own where the digest recorded none).
 */
export function previousDigest(
  db: Database,
  latestId: number,
): { since: Date; score: number | undefined } | undefined {
  const row = db
    .prepare(
      `SELECT s.*, d.score AS digest_score FROM digests d JOIN scans s ON s.id = d.scan_id
        WHERE s.status = 'succeeded' AND s.id < ? ORDER BY d.id DESC LIMIT 1`,
    )
    .get(latestId) as (ScanRow & { digest_score: number | null }) | undefined;
  if (!row) return undefined;
  const scan = toScanRecord(row);
  return { since: scan.finishedAt ?? scan.startedAt, score: row.digest_score ?? scan.score?.value };
}

/**
 * The scan the previous digest reported, when it is older than `latestId`: the digest's trend is
 * "since the previous digest", not since the previous scan (a daily scan would hide a week's drift).
 */
export function scanOfPreviousDigest(db: Database, latestId: number): ScanRecord | undefined {
  const row = db
    .prepare(
      `SELECT s.* FROM digests d JOIN scans s ON s.id = d.scan_id
        WHERE s.status = 'succeeded' AND s.id < ? ORDER BY d.id DESC LIMIT 1`,
    )
    .get(latestId) as ScanRow | undefined;
  return row ? toScanRecord(row) : undefined;
}
