import type { Database } from "better-sqlite3";
import type { Logger } from "../logger.js";
import { appendAudit } from "../store/audit-log.js";
import {
  enqueue,
  listOutbox,
  type OutboxItem,
  recordMessageAccounts,
  setOutboxStatus,
} from "../store/outbox.js";
import { writeTransaction } from "../store/write-transaction.js";
import type { OwnerAccountView } from "../views/build-owner-messages.js";
import { viewFromJson, viewToJson } from "./view-json.js";

/** The platform side of sending: Slack and Teams each implement it. */
export interface OutboxSender {
  readonly platform: string;
  /** Sends one item; returns where it landed. Throws RateLimitedError to be called again later. */
  send(item: OutboxItem): Promise<{ messageRef: string }>;
}

/**
 * The recipient cannot be reached on this platform (no user with that email, the bot is not
 * installed for them, messages blocked). The accounts go to the admin channel instead.
 */
export class UnreachableRecipientError extends Error {}

/** The platform asked us to slow down: wait `retryAfterMs`, then send the same item again. */
export class RateLimitedError extends Error {
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super(`rate limited: retry after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface DeliverDeps {
  db: Database;
  sender: OutboxSender;
  now: () => Date;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Rate-limit waits per item before it is left for the next run. */
  maxWaits?: number;
  /** Admin channel that gets the accounts of owners who cannot be reached. */
  adminChannel?: string | undefined;
}

/**
 * Sends every pending item of the sender's platform, oldest first. Each item is marked 'sending'
 * (committed) before the API call and 'sent' after, so a crash never leads to a second send: an
 * item found 'sending' at the start of a run may have been delivered, and is marked 'unknown' and
 * reported instead of being sent again. 429s are waited out, not dropped.
 */
export async function deliverOutbox(
  deps: DeliverDeps,
): Promise<{ sent: number; failed: number; unknown: number; rerouted: number }> {
  const { db, sender, logger } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const result = { sent: 0, failed: 0, unknown: 0, rerouted: 0 };

  for (const item of listOutbox(db, "sending", sender.platform)) {
    writeTransaction(db, () => {
      setOutboxStatus(db, item.id, "sending", "unknown", {
        error: "interrupted while sending: may or may not have been delivered",
      });
      appendAudit(db, {
        at: deps.now(),
        event: "message.unknown",
        actor: "warden",
        subject: item.recipient,
        detail: { outboxId: item.id, kind: item.kind, platform: item.platform },
      });
    });
    result.unknown += 1;
  }

  // Rerouted messages join the queue during the run, so look again until nothing new is pending.
  const tried = new Set<number>();
  for (;;) {
    const fresh = listOutbox(db, "pending", sender.platform).filter((item) => !tried.has(item.id));
    if (fresh.length === 0) break;
    for (const item of fresh) tried.add(item.id);
    await deliverBatch(fresh);
  }
  return result;

  async function deliverBatch(items: OutboxItem[]): Promise<void> {
    for (const item of items) {
      if (!setOutboxStatus(db, item.id, "pending", "sending")) continue; // another sender took it
      let waits = 0;
      for (;;) {
        try {
          const { messageRef } = await sender.send(item);
          writeTransaction(db, () => {
            setOutboxStatus(db, item.id, "sending", "sent", { sentAt: deps.now(), messageRef });
            if (item.kind === "owner_message" || item.kind === "unowned") {
              const { accounts } = viewFromJson<{ accounts: OwnerAccountView[] }>(item.payload);
              recordMessageAccounts(
                db,
                item.id,
                accounts.map((a) => ({
                  source: a.source,
                  accountId: a.accountId,
                  rules: a.findings.map((f) => f.rule),
                })),
              );
            }
            appendAudit(db, {
              at: deps.now(),
              event: "message.sent",
              actor: "warden",
              subject: item.recipient,
              detail: { outboxId: item.id, kind: item.kind, platform: item.platform, messageRef },
            });
          });
          result.sent += 1;
          break;
        } catch (error) {
          if (error instanceof RateLimitedError && waits < (deps.maxWaits ?? 5)) {
            waits += 1;
            logger.warn({ outboxId: item.id, retryAfterMs: error.retryAfterMs }, "rate limited, waiting");
            await sleep(error.retryAfterMs);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          if (
            error instanceof UnreachableRecipientError &&
            item.kind === "owner_message" &&
            deps.adminChannel
          ) {
            reroute(item, message, deps.adminChannel);
            result.rerouted += 1;
            break;
          }
          writeTransaction(db, () => {
            setOutboxStatus(
              db,
              item.id,
              "sending",
              error instanceof RateLimitedError ? "pending" : "failed",
              {
                error: message,
              },
            );
            appendAudit(db, {
              at: deps.now(),
              event: "message.failed",
              actor: "warden",
              subject: item.recipient,
              detail: { outboxId: item.id, kind: item.kind, platform: item.platform, error: message },
            });
          });
          logger.error({ outboxId: item.id, err: error }, "message not sent");
          result.failed += 1;
          break;
        }
      }
    }
  }

  /** The owner cannot be reached: their accounts go to the admins, and the reason is recorded. */
  function reroute(item: OutboxItem, reason: string, adminChannel: string): void {
    const { accounts } = viewFromJson<{ accounts: OwnerAccountView[] }>(item.payload);
    writeTransaction(db, () => {
      setOutboxStatus(db, item.id, "sending", "failed", {
        error: `${reason}; sent to the admin channel instead`,
      });
      enqueue(db, {
        platform: item.platform,
        kind: "unowned",
        recipient: adminChannel,
        dedupeKey: `${item.dedupeKey}:rerouted`,
        payload: viewToJson({ accounts, unreachableOwner: item.recipient, reason }),
        now: deps.now(),
      });
      appendAudit(db, {
        at: deps.now(),
        event: "message.rerouted",
        actor: "warden",
        subject: item.recipient,
        detail: { outboxId: item.id, platform: item.platform, reason, to: adminChannel },
      });
    });
  }
}
