import type { Database } from "better-sqlite3";
import { appendAudit } from "../../src/store/audit-log.js";
import { type AccountValues, claimDecision, completeDecision } from "../../src/store/decisions.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

export const ACCOUNT_ID = "0a1b2c3d4e5f";
export const USER_NAME = "svc.payroll";
export const OWNER = "ann@acme.example";

const before: AccountValues = { active: true, lockedOut: false, webServiceAccessOnly: false };
const after: AccountValues = { active: false, lockedOut: true, webServiceAccessOnly: false };

/** A minimal known account (a scan row is needed for its foreign key). */
export function addAccount(db: Database, id: string, userName: string): void {
  const scanId = Number(
    db
      .prepare(
        "INSERT INTO scans (source, started_at, finished_at, status) VALUES ('servicenow', ?, ?, 'succeeded')",
      )
      .run("2026-11-01T02:00:00.000Z", "2026-11-01T02:01:00.000Z").lastInsertRowid,
  );
  db.prepare(
    `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at, last_seen_at, last_scan_id)
     VALUES ('servicenow', ?, ?, ?, ?, 1, '{}', '2026-11-01T02:00:00.000Z', '2026-11-01T02:00:00.000Z', ?)`,
  ).run(id, userName, userName, OWNER, scanId);
}

/** Records a decision the way the action handler does: the decision row plus its audit entry. */
export function decide(
  db: Database,
  input: {
    at: Date;
    action: "disable" | "keep";
    reason?: string;
    actorId?: string;
    actorEmail?: string;
    accountId?: string;
  },
): number {
  const actorId = input.actorId ?? "U0ANN";
  const actorEmail = input.actorEmail ?? OWNER;
  const accountId = input.accountId ?? ACCOUNT_ID;
  return db.transaction(() => {
    const { id } = claimDecision(db, {
      source: "servicenow",
      accountId,
      action: input.action,
      actorPlatform: "slack",
      actorId,
      actorEmail,
      decidedAt: input.at,
      mode: "apply",
      reason: input.reason,
      expiresAt: input.action === "keep" ? new Date(input.at.getTime() + 90 * 86_400_000) : undefined,
    });
    if (id === undefined) throw new Error("another decision is pending on this account");
    completeDecision(
      db,
      id,
      input.action === "keep" ? { outcome: "applied" } : { outcome: "applied", before, after },
    );
    appendAudit(db, {
      at: input.at,
      event: "decision.applied",
      actor: `slack:${actorId} <${actorEmail}>`,
      subject: `servicenow:${accountId}`,
      detail: { action: input.action, decisionId: id, mode: "apply", reason: input.reason, error: null },
    });
    return id;
  })();
}

/**
 * A small realistic history: a scan, a message, a Disable, a refused attempt by someone else, and
 * a Keep whose reason is full of CSV traps. Spread over November 2026.
 */
export function seededDb(): Database {
  const db = openDatabase(tempDbPath());
  addAccount(db, ACCOUNT_ID, USER_NAME);
  appendAudit(db, {
    at: new Date("2026-11-02T02:01:00Z"),
    event: "scan.succeeded",
    actor: "warden",
    subject: "scan:1",
    detail: { source: "servicenow", identities: 1, findings: 2, score: 71 },
  });
  appendAudit(db, {
    at: new Date("2026-11-02T02:05:00Z"),
    event: "message.sent",
    actor: "warden",
    subject: "U0ANN",
    detail: { outboxId: 1, kind: "owner", platform: "slack", messageRef: "C1/1700000000.000100" },
  });
  decide(db, { at: new Date("2026-11-10T09:00:00Z"), action: "disable" });
  appendAudit(db, {
    at: new Date("2026-11-12T10:00:00Z"),
    event: "decision.refused",
    actor: "teams:29:1xYz <mallory@acme.example>",
    subject: `servicenow:${ACCOUNT_ID}`,
    detail: { action: "disable", reason: "not the owner or an admin", ownerEmail: OWNER },
  });
  decide(db, {
    at: new Date("2026-11-25T15:30:00Z"),
    action: "keep",
    reason: 'Needed by "payroll", until Q1;\nsee ticket CHG0042',
  });
  return db;
}
