import { createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import { writeTransaction } from "./write-transaction.js";

export interface AuditEntry {
  at: Date;
  /** Dotted event name, e.g. "scan.succeeded", "decision.refused", "message.sent". */
  event: string;
  /** Who did it (chat user id, email, or "warden" for the bot itself). */
  actor?: string | undefined;
  /** What it was about (an account "servicenow:<sys_id>", a scan id, an owner email). */
  subject?: string | undefined;
  detail: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  event: string;
  actor: string | null;
  subject: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The previous hash of the first entry ever written. */
export const GENESIS = "0".repeat(64);

/** An entry's hash: SHA-256 of its fields and the previous entry's hash (an archive is checked with it too). */
export function hashOf(
  prevHash: string,
  row: Pick<AuditRow, "at" | "event" | "actor" | "subject" | "detail">,
): string {
  // Fixed field order, so the same row always hashes the same way.
  const canonical = JSON.stringify([prevHash, row.at, row.event, row.actor, row.subject, row.detail]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Appends one entry to the audit log, chained to the previous entry's hash. Call inside the
 * transaction that makes the change it records, so the two commit (or vanish) together. Reading
 * the previous hash and appending happen under SQLite's write lock (an IMMEDIATE transaction), so
 * processes writing at once line up one after the other; the `audit_log_linear` trigger refuses
 * any append that would fork the chain all the same.
 */
export function appendAudit(db: Database, entry: AuditEntry): number {
  return writeTransaction(db, () => appendUnderLock(db, entry));
}

function appendUnderLock(db: Database, entry: AuditEntry): number {
  // With every entry archived (warden audit --archive), the chain goes on from the last checkpoint.
  const prev = (db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get() ??
    db
      .prepare("SELECT through_hash AS hash FROM audit_checkpoints ORDER BY through_id DESC LIMIT 1")
      .get()) as { hash: string } | undefined;
  const row = {
    at: entry.at.toISOString(),
    event: entry.event,
    actor: entry.actor ?? null,
    subject: entry.subject ?? null,
    detail: JSON.stringify(entry.detail),
  };
  const prevHash = prev?.hash ?? GENESIS;
  const result = db
    .prepare(
      "INSERT INTO audit_log (at, event, actor, subject, detail, prev_hash, hash) VALUES (@at, @event, @actor, @subject, @detail, @prevHash, @hash)",
    )
    .run({ ...row, prevHash, hash: hashOf(prevHash, row) });
  return Number(result.lastInsertRowid);
}

/**
 * Walks the chain; returns the id of the first entry that does not match, or undefined if intact.
 * Entries warden audit --archive moved to a file are replaced by a checkpoint (their last id and
 * hash): the chain may go on from a checkpoint, where an entry follows the checkpoint's last entry
 * and the entries in between are the archived ones. Any other gap, edit or reordering breaks it.
 */
export function verifyAuditChain(
  db: Database,
): { ok: true; entries: number } | { ok: false; brokenAt: number; entries: number } {
  const checkpoints = db
    .prepare("SELECT through_id, through_hash FROM audit_checkpoints ORDER BY through_id")
    .all() as { through_id: number; through_hash: string }[];
  let prevHash = GENESIS;
  let lastId = 0;
  let entries = 0;
  for (const row of db
    .prepare("SELECT * FROM audit_log ORDER BY id")
    .iterate() as IterableIterator<AuditRow>) {
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
  return { ok: true, entries };
}
