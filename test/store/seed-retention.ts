import type { Database } from "better-sqlite3";

/** The fixed "today" of the retention tests; with 400 days of retention the cutoff is 2025-10-19. */
export const TODAY = new Date("2026-11-23T02:00:00Z");
export const RETENTION_DAYS = 400;

export const daysAgo = (days: number): string => new Date(TODAY.getTime() - days * 86_400_000).toISOString();

/** Raw rows, as warden's own statements leave them, so a test states exactly what the database holds. */
export function seeder(db: Database) {
  return {
    scan(source: string, days: number, status: "succeeded" | "failed" = "succeeded"): number {
      return Number(
        db
          .prepare(
            "INSERT INTO scans (source, started_at, finished_at, status, identities) VALUES (?, ?, ?, ?, 0)",
          )
          .run(source, daysAgo(days), daysAgo(days), status).lastInsertRowid,
      );
    },
    account(source: string, id: string, lastScanId: number, lastSeenDays: number): void {
      db.prepare(
        `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at,
           last_seen_at, last_scan_id) VALUES (?, ?, ?, ?, NULL, 1, '{}', ?, ?, ?)`,
      ).run(source, id, `svc_${id}`, `Service ${id}`, daysAgo(900), daysAgo(lastSeenDays), lastScanId);
    },
    finding(
      source: string,
      accountId: string,
      scans: { first: number; last: number; resolved?: number },
      resolvedDays?: number,
      rule = "dormant",
    ): number {
      return Number(
        db
          .prepare(
            `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
               last_seen_at, resolved_at, first_scan_id, last_scan_id, resolved_scan_id)
             VALUES (?, ?, ?, 'high', 'summary', '[]', 'disable', ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            source,
            accountId,
            rule,
            daysAgo(900),
            daysAgo(resolvedDays ?? 0),
            resolvedDays === undefined ? null : daysAgo(resolvedDays),
            scans.first,
            scans.last,
            scans.resolved ?? null,
          ).lastInsertRowid,
      );
    },
    message(
      status: "pending" | "sending" | "sent" | "failed" | "unknown",
      days: number,
      options: { payload?: string; accounts?: string[]; kind?: "owner_message" | "message_update" } = {},
    ): number {
      const at = daysAgo(days);
      const id = Number(
        db
          .prepare(
            `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, attempts, created_at,
               sent_at, last_attempt_at, message_ref)
             VALUES ('slack', ?, 'U1', ?, ?, ?, 1, ?, ?, ?, ?)`,
          )
          .run(
            options.kind ?? "owner_message",
            `key-${Math.random()}`,
            options.payload ?? "{}",
            status,
            at,
            status === "sent" ? at : null,
            status === "pending" ? null : at,
            status === "sent" ? JSON.stringify({ channel: "D1", ts: `${days}.000100` }) : null,
          ).lastInsertRowid,
      );
      for (const account of options.accounts ?? []) {
        db.prepare(
          "INSERT INTO message_accounts (outbox_id, source, account_id, rules) VALUES (?, 'servicenow', ?, 1)",
        ).run(id, account);
      }
      return id;
    },
    decision(accountId: string, days: number, outcome: "applied" | "pending", messageId?: number): number {
      return Number(
        db
          .prepare(
            `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, decided_at, mode, outcome,
               message_id) VALUES ('servicenow', ?, 'disable', 'slack', 'U1', ?, 'apply', ?, ?)`,
          )
          .run(accountId, daysAgo(days), outcome, messageId ?? null).lastInsertRowid,
      );
    },
    digest(scanId: number, days: number): number {
      return Number(
        db
          .prepare(
            "INSERT INTO digests (platform, recipient, scan_id, score, posted_at) VALUES ('slack', 'C1', ?, 70, ?)",
          )
          .run(scanId, daysAgo(days)).lastInsertRowid,
      );
    },
  };
}

/** The ids left in `table` (its rowid order). */
export function idsOf(db: Database, table: string, column = "id"): (number | string)[] {
  return db.prepare(`SELECT ${column} FROM ${table} ORDER BY rowid`).pluck().all() as (number | string)[];
}
