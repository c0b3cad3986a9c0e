import type { OwnerAccountView, OwnerMessageView } from "../../src/messages/build-owner-messages.js";
import { encodeOutboxMessage } from "../../src/notify/outbox-message.js";
import { packPayload } from "../../src/store/packed-payload.js";
import type { BackendDatabase } from "../helpers/store-backends.js";

/** An account as an owner message shows it, with its evidence, usage and actions (what compaction drops). */
export function ownerAccount(accountId: string, decision?: OwnerAccountView["decision"]): OwnerAccountView {
  return {
    source: "servicenow",
    sourceKind: "servicenow",
    accountId,
    userName: `svc_${accountId}`,
    name: `Service ${accountId}`,
    active: true,
    webServiceAccessOnly: false,
    findings: [
      {
        rule: "dormant",
        severity: "high",
        summary: "No API call or UI login for 142 days",
        evidence: [{ signal: "state", detail: "last login 2026-07-12" }],
        remediation: "disable",
      },
    ],
    risk: 70,
    uniqueApiCalls7d: [],
    authMethods30d: undefined,
    sourceTitle: "ServiceNow",
    usage: [],
    actions: ["disable", "keep"],
    decision,
  } as OwnerAccountView;
}

/** The stored payload of an owner message to `email` (as enqueue stores it). */
export function ownerPayload(
  email: string,
  extra: Partial<OwnerMessageView> = {},
  accounts: OwnerAccountView[] = [ownerAccount("a1")],
  platform = "slack",
): string {
  const view: OwnerMessageView = {
    owner: { id: `u-${email}`, userName: email, name: email, email, active: true },
    accounts,
    ...extra,
  };
  return packPayload(encodeOutboxMessage(platform, { kind: "owner_message", view }));
}

/**
 * Raw outbox rows (and what hangs off them) on either backend, through BackendDatabase.sql, as
 * warden's own statements leave them: the outbox's own writes are ported separately.
 */
export function seeder(database: BackendDatabase) {
  let scanId: number | undefined;
  let key = 0;
  const scan = async () => {
    scanId ??= (
      await database.sql<{ id: number }>(
        "INSERT INTO scans (source, started_at, finished_at, status, identities) VALUES ('servicenow', $1, $1, 'succeeded', 0) RETURNING id",
        ["2026-11-01T00:00:00.000Z"],
      )
    )[0]?.id;
    return scanId ?? 0;
  };
  return {
    async message(
      options: {
        platform?: string;
        kind?: string;
        recipient?: string;
        status?: "pending" | "sending" | "sent" | "failed" | "unknown";
        sentAt?: Date;
        createdAt?: Date;
        lastAttemptAt?: Date | null;
        payload?: string;
      } = {},
    ): Promise<number> {
      const status = options.status ?? "sent";
      const recipient = options.recipient ?? "raj@acme.example";
      const sentAt = status === "sent" ? (options.sentAt ?? new Date("2026-11-30T00:00:00Z")) : undefined;
      const createdAt = options.createdAt ?? sentAt ?? new Date("2026-11-30T00:00:00Z");
      const [row] = await database.sql<{ id: number }>(
        `INSERT INTO outbox (platform, kind, recipient, dedupe_key, payload, status, attempts, created_at, sent_at,
           last_attempt_at, message_ref)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10) RETURNING id`,
        [
          options.platform ?? "slack",
          options.kind ?? "owner_message",
          recipient,
          `key-${++key}`,
          options.payload ?? ownerPayload(recipient, {}, undefined, options.platform),
          status,
          createdAt.toISOString(),
          sentAt?.toISOString() ?? null,
          options.lastAttemptAt === undefined
            ? status === "pending"
              ? null
              : createdAt.toISOString()
            : (options.lastAttemptAt?.toISOString() ?? null),
          sentAt
            ? JSON.stringify(
                options.platform === "teams"
                  ? {
                      conversationId: "a:1",
                      activityId: "1",
                      serviceUrl: "https://smba.trafficmanager.net/emea/",
                    }
                  : { channel: "D1", ts: "1.000100" },
              )
            : null,
        ],
      );
      return row?.id ?? 0;
    },
    async accounts(
      outboxId: number,
      accounts: { source: string; accountId: string; rules?: number; answeredAt?: Date }[],
    ): Promise<void> {
      for (const a of accounts) {
        await database.sql(
          "INSERT INTO message_accounts (outbox_id, source, account_id, rules, answered_at) VALUES ($1, $2, $3, $4, $5)",
          [outboxId, a.source, a.accountId, a.rules ?? 1, a.answeredAt?.toISOString() ?? null],
        );
      }
    },
    async followUp(outboxId: number, stage: "reminder" | "escalation", dueAt: Date): Promise<void> {
      await database.sql("INSERT INTO follow_ups (outbox_id, stage, due_at) VALUES ($1, $2, $3)", [
        outboxId,
        stage,
        dueAt.toISOString(),
      ]);
    },
    /** An account and one finding on it: open, resolved, or kept (accepted) until a time. */
    async finding(
      source: string,
      accountId: string,
      options: { resolved?: boolean; acceptedUntil?: Date } = {},
    ): Promise<void> {
      const id = await scan();
      const at = "2026-11-01T00:00:00.000Z";
      await database.sql(
        `INSERT INTO accounts (source, id, user_name, name, owner_email, active, snapshot, first_seen_at,
           last_seen_at, last_scan_id) VALUES ($1, $2, $3, $4, NULL, 1, '{}', $5, $5, $6)`,
        [source, accountId, `svc_${accountId}`, `Service ${accountId}`, at, id],
      );
      await database.sql(
        `INSERT INTO findings (source, account_id, rule, severity, summary, evidence, remediation, first_seen_at,
           last_seen_at, resolved_at, first_scan_id, last_scan_id, resolved_scan_id, accepted_until)
         VALUES ($1, $2, 'dormant', 'high', 'summary', '[]', 'disable', $3, $3, $4, $5, $5, $6, $7)`,
        [
          source,
          accountId,
          at,
          options.resolved ? at : null,
          id,
          options.resolved ? id : null,
          options.acceptedUntil?.toISOString() ?? null,
        ],
      );
    },
    /** A decision on an account, pending or done, naming the message it was taken on. */
    async decision(accountId: string, outcome: "applied" | "pending", messageId: number): Promise<void> {
      await database.sql(
        `INSERT INTO decisions (source, account_id, action, actor_platform, actor_id, decided_at, mode, outcome,
           message_id) VALUES ('servicenow', $1, 'disable', 'slack', 'U1', $2, 'apply', $3, $4)`,
        [accountId, "2026-11-01T00:00:00.000Z", outcome, messageId],
      );
    },
  };
}
