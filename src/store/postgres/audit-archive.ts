import { StoreError } from "../../errors.js";
import {
  type AuditArchivePlan,
  type AuditCheckpoint,
  type CheckpointRow,
  toCheckpoint,
} from "../audit-archive.js";
import type { AuditExportRow } from "../audit-export-rows.js";
import { AUDIT_LOCK, appendAudit } from "./audit-log.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";
import { readSnapshot } from "./read-snapshot.js";

/** Rows read per round trip while entries are handed out (an archive can hold millions). */
const PAGE = 1_000;

/**
 * The subject of an entry about an account is "source:sys_id": joined on both halves, as SQLite's
 * substr/instr split it (a subject with no colon has source '' and is whole as the id; greatest()
 * keeps PostgreSQL's substr from a negative length, which it refuses).
 */
export const ENTRY_ACCOUNT_JOIN = `LEFT JOIN accounts a
    ON a.source = substr(l.subject, 1, greatest(strpos(l.subject, ':') - 1, 0))
   AND a.id = substr(l.subject, strpos(l.subject, ':') + 1)`;

/** src/store/audit-archive.ts planAuditArchive, in one statement (one snapshot). */
export async function planAuditArchive(db: PgDb, before: Date): Promise<AuditArchivePlan | undefined> {
  // COLLATE "C": ISO-8601 text compares in time order byte by byte, whatever the database's collation.
  const [range] = await db.query<{
    first: number | null;
    through: number | null;
    entries: number;
    through_hash: string | null;
  }>(
    `WITH after AS (SELECT coalesce(max(through_id), 0) AS id FROM audit_checkpoints),
          stop AS (SELECT min(l.id) AS id FROM audit_log l, after
                    WHERE l.id > after.id AND l.at >= $1 COLLATE "C"),
          taken AS (SELECT min(l.id) AS first, max(l.id) AS through, count(*) AS entries
                      FROM audit_log l, after, stop
                     WHERE l.id > after.id AND (stop.id IS NULL OR l.id < stop.id))
     SELECT taken.*, (SELECT hash FROM audit_log WHERE id = taken.through) AS through_hash FROM taken`,
    [before.toISOString()],
  );
  if (!range || range.first === null || range.through === null || range.through_hash === null) {
    return undefined;
  }
  return {
    firstId: range.first,
    throughId: range.through,
    entries: range.entries,
    throughHash: range.through_hash,
  };
}

/** src/store/audit-archive.ts readAuditEntries: keyset pages of one snapshot (see readSnapshot). */
export async function readAuditEntries(
  db: PgDb,
  range: { firstId: number; throughId: number },
  visit: (row: AuditExportRow) => void,
): Promise<void> {
  await readSnapshot(db, async (tx) => {
    let after = range.firstId - 1;
    for (;;) {
      const page = await tx.query<AuditExportRow>(
        `SELECT l.*, a.user_name FROM audit_log l ${ENTRY_ACCOUNT_JOIN}
          WHERE l.id > $1 AND l.id <= $2 ORDER BY l.id LIMIT $3`,
        [after, range.throughId, PAGE],
      );
      for (const row of page) visit(row);
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = last.id;
    }
  });
}

/**
 * src/store/audit-archive.ts recordAuditCheckpoint. SQLite checks the plan and records under its
 * single write lock; here the audit lock every append takes (audit-log.ts) is taken first, so a
 * second archive (another replica) or an append waits, then sees this one committed: two archives
 * of overlapping plans cannot both pass the check.
 */
export async function recordAuditCheckpoint(
  db: PgDb,
  plan: AuditArchivePlan,
  archive: { file: string; sha256: string; at: Date },
): Promise<{ checkpointId: number; headHash: string }> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [AUDIT_LOCK]);
    const [current] = await tx.query<{ entries: number; hash: string | null; archived: number }>(
      `SELECT count(*) AS entries, max(hash) FILTER (WHERE id = $2) AS hash,
              (SELECT coalesce(max(through_id), 0) FROM audit_checkpoints) AS archived
         FROM audit_log WHERE id BETWEEN $1 AND $2`,
      [plan.firstId, plan.throughId],
    );
    if (
      !current ||
      current.archived >= plan.firstId ||
      current.entries !== plan.entries ||
      current.hash !== plan.throughHash
    ) {
      throw new StoreError(
        "E_AUDIT_ARCHIVE_CHANGED",
        "the audit log changed while the archive was written (another archive ran?); nothing was removed, run it again",
      );
    }
    const [checkpoint] = await tx.query<{ id: number }>(
      `INSERT INTO audit_checkpoints (through_id, through_hash, first_id, entries, archive_file, archive_sha256, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        plan.throughId,
        plan.throughHash,
        plan.firstId,
        plan.entries,
        archive.file,
        archive.sha256,
        archive.at.toISOString(),
      ],
    );
    const entryId = await appendAudit(tx, {
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
    const [entry] = await tx.query<{ hash: string }>("SELECT hash FROM audit_log WHERE id = $1", [entryId]);
    return { checkpointId: Number(checkpoint?.id), headHash: String(entry?.hash) };
  });
}

/**
 * src/store/audit-archive.ts removeArchivedAudit: the audit_log_no_delete trigger (schema v23)
 * lets only entries a checkpoint covers go, as SQLite's does. Newest first, with no SKIP LOCKED:
 * a second remover (another replica) waits on the first one's rows and then finds them gone,
 * so what is left is always an unbroken prefix plus the entries after the checkpoint.
 */
export async function removeArchivedAudit(db: PgDb, limit: number): Promise<number> {
  return db.execute(
    `DELETE FROM audit_log WHERE id IN (
       SELECT id FROM audit_log WHERE id <= (SELECT coalesce(max(through_id), 0) FROM audit_checkpoints)
        ORDER BY id DESC LIMIT $1)`,
    [limit],
  );
}

/** src/store/audit-archive.ts listAuditCheckpoints. */
export async function listAuditCheckpoints(db: PgDb): Promise<AuditCheckpoint[]> {
  const rows = await db.query<CheckpointRow>("SELECT * FROM audit_checkpoints ORDER BY through_id");
  return rows.map(toCheckpoint);
}

/** The archive half of the audit repository of the PostgreSQL store (auditHead is in audit-log.ts). */
export const AUDIT_ARCHIVE_PG = {
  planAuditArchive,
  readAuditEntries,
  recordAuditCheckpoint,
  removeArchivedAudit,
  listAuditCheckpoints,
} satisfies Partial<PostgresQueries["audit"]>;
