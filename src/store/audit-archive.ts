import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import type { AuditExportRow } from "./audit-export-rows.js";
import { appendAudit } from "./audit-log.js";
import { writeTransaction } from "./write-transaction.js";

/** Which entries an archive takes: the oldest not yet archived, all before a date, in chain order. */
export interface AuditArchivePlan {
  firstId: number;
  throughId: number;
  entries: number;
  /** The hash of the last entry taken: the chain goes on from it. */
  throughHash: string;
}

/** A recorded archive: the file its entries went to, and where the chain goes on. */
export interface AuditCheckpoint {
  id: number;
  firstId: number;
  throughId: number;
  throughHash: string;
  entries: number;
  archiveFile: string;
  archiveSha256: string;
  createdAt: Date;
}

/** An audit_checkpoints row as stored (exported for the PostgreSQL store, which reads the same). */
export interface CheckpointRow {
  id: number;
  first_id: number;
  through_id: number;
  through_hash: string;
  entries: number;
  archive_file: string;
  archive_sha256: string;
  created_at: string;
}

export const toCheckpoint = (row: CheckpointRow): AuditCheckpoint => ({
  id: row.id,
  firstId: row.first_id,
  throughId: row.through_id,
  throughHash: row.through_hash,
  entries: row.entries,
  archiveFile: row.archive_file,
  archiveSha256: row.archive_sha256,
  createdAt: new Date(row.created_at),
});

const archivedThrough = (db: Database): number =>
  db.prepare("SELECT coalesce(max(through_id), 0) FROM audit_checkpoints").pluck().get() as number;

/**
 * The entries an archive before `before` takes: from the first one not archived yet up to the last
 * of the unbroken run of entries dated before `before` (in chain order, so an archive is always a
 * prefix of what is stored and the rest still chains on). Undefined when there is none.
 */
export function planAuditArchive(db: Database, before: Date): AuditArchivePlan | undefined {
  const after = archivedThrough(db);
  const stop = db
    .prepare("SELECT min(id) FROM audit_log WHERE id > ? AND at >= ?")
    .pluck()
    .get(after, before.toISOString()) as number | null;
  const range = db
    .prepare(
      `SELECT min(id) AS first, max(id) AS through, count(*) AS entries FROM audit_log
        WHERE id > ? AND (? IS NULL OR id < ?)`,
    )
    .get(after, stop, stop) as { first: number | null; through: number | null; entries: number };
  if (range.first === null || range.through === null) return undefined;
  const throughHash = db
    .prepare("SELECT hash FROM audit_log WHERE id = ?")
    .pluck()
    .get(range.through) as string;
  return { firstId: range.first, throughId: range.through, entries: range.entries, throughHash };
}

/**
 * The entries `firstId`..`throughId` with the account's user name joined in, handed to `visit` as
 * they are read (iterated, never loaded at once), in one read transaction. `visit` must not use `db`.
 */
export function readAuditEntries(
  db: Database,
  range: { firstId: number; throughId: number },
  visit: (row: AuditExportRow) => void,
): void {
  db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT l.*, a.user_name FROM audit_log l
           LEFT JOIN accounts a
             ON a.source = substr(l.subject, 1, instr(l.subject, ':') - 1)
            AND a.id = substr(l.subject, instr(l.subject, ':') + 1)
          WHERE l.id BETWEEN ? AND ? ORDER BY l.id`,
      )
      .iterate(range.firstId, range.throughId) as IterableIterator<AuditExportRow>;
    for (const row of rows) visit(row);
  }).deferred();
}

/**
 * Records that the entries of `plan` are safely in `file` (written and flushed before this is
 * called): the checkpoint, and an `audit.archived` entry chained after the newest entry, in one
 * transaction. From then on those entries may be removed (removeArchivedAudit). Refused when the
 * entries changed since the plan was made (another archive ran meanwhile). Returns the head hash:
 * the hash of that new entry, to be kept outside the database.
 */
export function recordAuditCheckpoint(
  db: Database,
  plan: AuditArchivePlan,
  archive: { file: string; sha256: string; at: Date },
): { checkpointId: number; headHash: string } {
  return writeTransaction(db, () => {
    const current = db
      .prepare(
        "SELECT count(*) AS entries, max(hash) FILTER (WHERE id = @through) AS hash FROM audit_log WHERE id BETWEEN @first AND @through",
      )
      .get({ first: plan.firstId, through: plan.throughId }) as { entries: number; hash: string | null };
    if (
      archivedThrough(db) >= plan.firstId ||
      current.entries !== plan.entries ||
      current.hash !== plan.throughHash
    ) {
      throw new StoreError(
        "E_AUDIT_ARCHIVE_CHANGED",
        "the audit log changed while the archive was written (another archive ran?); nothing was removed, run it again",
      );
    }
    const checkpointId = Number(
      db
        .prepare(
          `INSERT INTO audit_checkpoints (through_id, through_hash, first_id, entries, archive_file, archive_sha256, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          plan.throughId,
          plan.throughHash,
          plan.firstId,
          plan.entries,
          archive.file,
          archive.sha256,
          archive.at.toISOString(),
        ).lastInsertRowid,
    );
    const entryId = appendAudit(db, {
      at: archive.at,
      event: "audit.archived",
      actor: "warden",
      subject: `audit:${plan.firstId}-${plan.throughId}`,
      detail: {
        file: archive.file,
        sha256: archive.sha256,
        entries: plan.entries,
        firstId: plan.firstId,
        throughId: plan.throughId,
        throughHash: plan.throughHash,
      },
    });
    const headHash = db.prepare("SELECT hash FROM audit_log WHERE id = ?").pluck().get(entryId) as string;
    return { checkpointId, headHash };
  });
}

/**
 * Removes up to `limit` stored entries a checkpoint covers, newest first, in one short write;
 * returns how many. Newest first, so that at any point (a crash between two batches) what is left
 * is an unbroken prefix plus the entries after the checkpoint, which verifyAuditChain accepts.
 */
export function removeArchivedAudit(db: Database, limit: number): number {
  return writeTransaction(
    db,
    () =>
      db
        .prepare(
          `DELETE FROM audit_log WHERE id IN (
             SELECT id FROM audit_log WHERE id <= (SELECT coalesce(max(through_id), 0) FROM audit_checkpoints)
              ORDER BY id DESC LIMIT ?)`,
        )
        .run(limit).changes,
  );
}

/** Every archive recorded, oldest first. */
export function listAuditCheckpoints(db: Database): AuditCheckpoint[] {
  return (db.prepare("SELECT * FROM audit_checkpoints ORDER BY through_id").all() as CheckpointRow[]).map(
    toCheckpoint,
  );
}

/** The newest entry of the chain (its head), if any. */
export function auditHead(db: Database): { id: number; hash: string } | undefined {
  return db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as
    | { id: number; hash: string }
    | undefined;
}
