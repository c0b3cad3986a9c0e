import { type AuditEntry, type AuditRow, GENESIS, hashOf } from "../audit-log.js";
import type { PgDb } from "./pg-db.js";

/**
 * The transaction-scoped advisory lock every audit append takes: writers on any replica line up
 * one after the other, so each reads the head the previous one wrote and the chain stays linear
 * (the unique index on prev_hash refuses a fork all the same).
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 */
export const AUDIT_LOCK = 0x7761756474;

/** src/store/audit-log.ts appendAudit: in the caller's transaction, or its own. */
export async function appendAudit(db: PgDb, entry: AuditEntry): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [AUDIT_LOCK]);
    // With every entry archived (warden audit --archive), the chain goes on from the last checkpoint.
    const [head] = await tx.query<{ hash: string }>("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
    const [prev] = head
      ? [head]
      : await tx.query<{ hash: string }>(
          "SELECT through_hash AS hash FROM audit_checkpoints ORDER BY through_id DESC LIMIT 1",
        );
    const row = {
      at: entry.at.toISOString(),
      event: entry.event,
      actor: entry.actor ?? null,
      subject: entry.subject ?? null,
      detail: JSON.stringify(entry.detail),
    };
    const prevHash = prev?.hash ?? GENESIS;
    const [inserted] = await tx.query<{ id: number }>(
      "INSERT INTO audit_log (at, event, actor, subject, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      [row.at, row.event, row.actor, row.subject, row.detail, prevHash, hashOf(prevHash, row)],
    );
    return Number(inserted?.id);
  });
}

/** Rows read per round trip while the chain is walked (the log is kept whole: it can be millions). */
const VERIFY_PAGE = 5_000;

/** src/store/audit-log.ts verifyAuditChain, walking the log in keyset pages. */
export async function verifyAuditChain(
  db: PgDb,
): Promise<{ ok: true; entries: number } | { ok: false; brokenAt: number; entries: number }> {
  const checkpoints = await db.query<{ through_id: number; through_hash: string }>(
    "SELECT through_id, through_hash FROM audit_checkpoints ORDER BY through_id",
  );
  let prevHash = GENESIS;
  let lastId = 0;
  let entries = 0;
  for (;;) {
    const page = await db.query<AuditRow>(
      "SELECT id, at, event, actor, subject, detail, prev_hash, hash FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
      [lastId, VERIFY_PAGE],
    );
    for (const row of page) {
      entries += 1;
      const resumes =
        row.prev_hash !== prevHash &&
        checkpoints.some(
          (c) => c.through_id >= lastId && c.through_id < row.id && c.through_hash === row.prev_hash,
        );
      if ((row.prev_hash !== prevHash && !resumes) || row.hash !== hashOf(row.prev_hash, row)) {
        return { ok: false, brokenAt: row.id, entries };
      }
      prevHash = row.hash;
      lastId = row.id;
    }
    if (page.length < VERIFY_PAGE) return { ok: true, entries };
  }
}

/** src/store/audit-archive.ts auditHead. */
export async function auditHead(db: PgDb): Promise<{ id: number; hash: string } | undefined> {
  const [row] = await db.query<{ id: number; hash: string }>(
    "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
  );
  return row;
}

/** src/store/last-event-at.ts lastEventAt. */
export async function lastEventAt(db: PgDb, event: string): Promise<Date | undefined> {
  const [row] = await db.query<{ at: string | null }>(
    "SELECT max(at) AS at FROM audit_log WHERE event = $1",
    [event],
  );
  return row?.at ? new Date(row.at) : undefined;
}
