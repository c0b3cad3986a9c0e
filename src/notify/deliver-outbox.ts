import { PacedLaterError } from "../chat-pacing/rate-pacer.js";
import { WardenError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { OutboxItem, StoredOutboxItem } from "../store/outbox.js";
import type { Repositories, StoreTx } from "../store/store.js";
import { yieldToLoop } from "../yield-to-loop.js";
import { compactUnlistedAccounts } from "./compact-unlisted-accounts.js";
import { DeliveryError, UnreachableRecipientError } from "./delivery-error.js";
import { createDeliveryHolder, type DeliveryHolder, isSendAbandoned } from "./delivery-holder.js";
import { createLoopSlicer } from "./loop-slicer.js";
import { encodeMessageRef, type MessageRef } from "./message-ref.js";
import { RETRY_MAX_MS, retryDelayMs } from "./retry-delay.js";
import { supersedeOlderMessages } from "./supersede-older-messages.js";

export { DeliveryError, UnreachableRecipientError } from "./delivery-error.js";

/** The platform side of sending: Slack and Teams each implement it. */
export interface OutboxSender {
  readonly platform: string;
  /**
   * Sends one decoded item; returns where it landed. Throws RateLimitedError to be called again
   * later, DeliveryError (UnreachableRecipientError) to say whether the failure can clear.
   */
  send(item: OutboxItem): Promise<{ ref: MessageRef }>;
}

/** The platform asked us to slow down: wait `retryAfterMs`, then send the same item again. */
export class RateLimitedError extends WardenError {
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super("E_DELIVERY_RATE_LIMITED", `rate limited: retry after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface DeliverDeps {
  store: StoreTx;
  sender: OutboxSender;
  now: () => Date;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Rate-limit waits per item before it is left for the next run. */
  maxWaits?: number;
  /** Admin channel that gets the accounts of owners who cannot be reached. */
  adminChannel?: string | undefined;
  /** How many recipients are served at once (DELIVERY_CONCURRENCY). */
  concurrency?: number;
  /** Due items read and decoded at a time (DELIVERY_PAGE_SIZE). */
  pageSize?: number;
  /** Who claims the items sent (default: this process). */
  holder?: DeliveryHolder;
}

/** This process, as the claimer of the items its runs send. */
const PROCESS_HOLDER = createDeliveryHolder();

/**
 * Recipients served at once. Each still gets its items one at a time; the sender paces the calls
 * (src/chat-pacing), so this only has to cover the platform's latency at its allowed rate.
 */
export const DELIVERY_CONCURRENCY = 16;

/**
 * Due items read (and decoded) at a time: a page of owner messages decodes in under 10 ms,
 * and a page is far more than the platforms let warden send in the seconds it takes.
 */
export const DELIVERY_PAGE_SIZE = 100;

/**
 * The longest stretch the lanes together keep the event loop before letting it turn (serve a
 * /healthz, a click's ack): a turn of the loop can otherwise run the sync work (the store's
 * transactions, rendering) of every lane whose call just came back.
 */
const DELIVERY_SLICE_MS = 10;

export interface DeliveryResult {
  sent: number;
  /** Refused for good (and not rerouted). */
  failed: number;
  unknown: number;
  /** Owners whose accounts went to the admin channel in this run. */
  rerouted: number;
  /** Failed for a reason that can clear: queued again, with backoff. */
  retrying: number;
  /** Not sent yet because the platform's pace had no slot soon enough: due again when it has. */
  deferred: number;
}

/**
 * Sends every due item of the sender's platform, oldest first: new items, and items waiting to be
 * retried whose backoff has passed (`not_before`). Several recipients are served at once, each
 * recipient's items in order; the sender paces its calls to the platform's limits, and an item
 * whose slot is too far off (PacedLaterError) goes back to the queue, due when the slot comes. Each
 * item is marked 'sending' (committed) before the API call and 'sent' after, so a crash never leads
 * to a second send: an item found 'sending' at the start of a run whose sender can no longer finish
 * it (src/notify/delivery-holder.ts) may have been delivered, and is marked 'unknown' and reported
 * instead of being sent again; one another live process (a replica) is sending is left to it. 429s
 * are waited out, not dropped. A failure that can clear (DeliveryError with retry "later") puts the
 * item back with backoff (retryDelayMs, or earlier when the failure says when its cause clears); a
 * permanent refusal marks it failed. An owner who cannot be reached has their accounts posted to
 * the admin channel once, saying why, while their own message keeps waiting when the cause can
 * clear. An item whose stored message cannot be read is never sent: it is marked failed with the
 * reason, and the run goes on.
 */
export async function deliverOutbox(deps: DeliverDeps): Promise<DeliveryResult> {
  const { store, sender, logger } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const result: DeliveryResult = { sent: 0, failed: 0, unknown: 0, rerouted: 0, retrying: 0, deferred: 0 };

  const holder = deps.holder ?? PROCESS_HOLDER;
  for (const item of await store.outbox.listSendingItems(sender.platform)) {
    // Another live process (a replica) is sending it: it records the outcome itself.
    if (!isSendAbandoned(item.claim, holder, deps.now())) continue;
    await store.transaction(async (tx) => {
      if (
        !(await tx.outbox.setOutboxStatus(item.id, "sending", "unknown", {
          error: "interrupted while sending: may or may not have been delivered",
        }))
      )
        return; // its sender finished it meanwhile
      await tx.audit.appendAudit({
        at: deps.now(),
        event: "message.unknown",
        actor: "warden",
        subject: item.recipient,
        detail: { outboxId: item.id, kind: item.kind, platform: item.platform },
      });
      result.unknown += 1;
    });
  }

  // Due items are read a page at a time in queue order (a keyset on id), so no single read or
  // decode grows with the queue. Items queued during the run (rerouted accounts, the in-place
  // updates of superseded messages) have higher ids: later pages find them.
  const pageSize = deps.pageSize ?? DELIVERY_PAGE_SIZE;
  // Recipients whose next item had to wait for the pace, with when: their items on later pages
  // wait with them, so a recipient's messages still go out in queue order.
  const waiting = new Map<string, Date>();
  // Shared by every lane: together they hold the loop about `DELIVERY_SLICE_MS` per turn.
  const pace = createLoopSlicer(DELIVERY_SLICE_MS);
  let afterId = 0;
  let first = true;
  // The caller's work just before (queuing the run's messages, its commit) ran in this turn too.
  await yieldToLoop();
  for (;;) {
    const page = await store.outbox.listDueOutbox(sender.platform, deps.now(), {
      afterId,
      limit: pageSize,
    });
    const last = page.at(-1);
    if (!last) break;
    afterId = last.id;
    // The read and decode of the page was one synchronous call: let the loop turn before sending.
    await yieldToLoop();
    if (await deliverPage(page, first)) {
      // The platform refuses warden itself (a revoked token): the rest would be refused the same
      // way, so they wait for the longest backoff instead, still queued, while an operator fixes it.
      const now = deps.now();
      await store.outbox.deferDue(sender.platform, now, new Date(now.getTime() + RETRY_MAX_MS));
      break;
    }
    first = false;
    await yieldToLoop();
  }
  return result;

  /** The recipient's items from `index` on wait until `until`, in their order; counted deferred. */
  async function postponeLane(lane: StoredOutboxItem[], index: number, until: Date): Promise<void> {
    for (const behind of lane.slice(index)) {
      await store.outbox.postponeOutboxItem(behind.id, { from: "pending", notBefore: until });
    }
    result.deferred += lane.length - index;
  }

  /**
   * Serves up to `concurrency` recipients at once, each recipient's items one after another in queue
   * order (a message before its update, a reminder after its message). Returns true when the run
   * must stop (every further call would be refused the same way).
   */
  async function deliverPage(items: StoredOutboxItem[], first: boolean): Promise<boolean> {
    const lanes = new Map<string, StoredOutboxItem[]>();
    for (const item of items) {
      const lane = lanes.get(item.recipient) ?? [];
      lane.push(item);
      lanes.set(item.recipient, lane);
    }
    const queue: StoredOutboxItem[][] = [];
    for (const [recipient, lane] of lanes) {
      const until = waiting.get(recipient);
      if (until) await postponeLane(lane, 0, until);
      else queue.push(lane);
    }
    let stop = false;
    const serve = async (): Promise<void> => {
      for (let lane = queue.shift(); lane && !stop; lane = queue.shift()) {
        for (const [index, item] of lane.entries()) {
          if (stop) return;
          await pace();
          const outcome = await deliverOne(item);
          if (outcome === "stop") stop = true;
          if (outcome instanceof Date) {
            // Paced for later: the recipient's items behind it wait with it, keeping their order.
            waiting.set(item.recipient, outcome);
            result.deferred += 1;
            await postponeLane(lane, index + 1, outcome);
            break;
          }
        }
      }
    };
    // One item goes alone first: a platform that refuses warden itself (a revoked token) is found
    // with nothing else in flight, and the rest of the run is not started against it.
    const head = first ? queue[0] : undefined;
    const item = head?.shift();
    if (head && item) {
      const outcome = await deliverOne(item);
      if (outcome === "stop") return true;
      if (outcome instanceof Date) {
        waiting.set(item.recipient, outcome);
        result.deferred += 1;
        await postponeLane(head, 0, outcome);
        queue.shift();
      } else if (head.length === 0) queue.shift();
    }
    const workers = Math.max(1, Math.min(deps.concurrency ?? DELIVERY_CONCURRENCY, queue.length));
    await Promise.all(Array.from({ length: workers }, serve));
    return stop;
  }

  /**
   * Sends one item. Returns "stop" when the run must stop, the time to come back when the sender's
   * pace has no slot soon enough (the item is back in the queue, unsent), else "done".
   */
  async function deliverOne(listed: StoredOutboxItem): Promise<"done" | "stop" | Date> {
    // Committed on its own, before the API call: a crash after it never leads to a second send.
    const claim = { holder: holder.id, host: holder.host, pid: holder.pid, at: deps.now() };
    if (!(await store.outbox.claimOutboxItem(listed.id, claim))) return "done"; // another sender took it
    // Read again once claimed: a newer message for the recipient may have replaced this one's
    // content since the page was listed (enqueue's replacePending), and the newest must go out.
    // Only the content is taken: the retry state stays as listed (the claim itself counted an
    // attempt, which the backoff must not count twice).
    const current = await store.outbox.getOutboxItem(listed.id);
    const item = (
      current
        ? {
            ...listed,
            dedupeKey: current.dedupeKey,
            kind: current.kind,
            message: current.message,
            unreadable: current.unreadable,
          }
        : listed
    ) as StoredOutboxItem;
    if (item.unreadable) {
      await recordFailure(
        item,
        new DeliveryError(item.unreadable.message, { retry: "never", cause: item.unreadable }),
      );
      logger.error({ outboxId: item.id, code: item.unreadable.code }, "message not sent: it cannot be read");
      return "done";
    }
    let waits = 0;
    for (;;) {
      try {
        const { ref } = await sender.send(item);
        // Answers that came back together are recorded over several turns of the loop, not one.
        await pace();
        await recordSent(item, ref);
        result.sent += 1;
        return "done";
      } catch (error) {
        if (error instanceof RateLimitedError && waits < (deps.maxWaits ?? 5)) {
          waits += 1;
          logger.warn({ outboxId: item.id, retryAfterMs: error.retryAfterMs }, "rate limited, waiting");
          await sleep(error.retryAfterMs);
          // Still sending it: a replica starting a run meanwhile must not take it for abandoned.
          await store.outbox.renewOutboxClaim(item.id, holder.id, deps.now());
          continue;
        }
        if (error instanceof PacedLaterError) {
          // Raised before the call that delivers: nothing reached the platform for this item.
          await store.outbox.postponeOutboxItem(item.id, { from: "sending", notBefore: error.at });
          return error.at;
        }
        const failure = toDeliveryError(error, deps.now());
        await recordFailure(item, failure);
        logger.error({ outboxId: item.id, err: error, retry: failure.retry }, "message not sent");
        return failure.stopsRun ? "stop" : "done";
      }
    }
  }

  async function recordSent(item: OutboxItem, ref: MessageRef): Promise<void> {
    const { message } = item;
    await store.transaction(async (tx) => {
      await tx.outbox.setOutboxStatus(item.id, "sending", "sent", { sentAt: deps.now(), ref });
      if (message.kind === "owner_message" || message.kind === "unowned") {
        await tx.outbox.recordMessageAccounts(
          item.id,
          message.view.accounts.map((a) => ({
            source: a.source,
            accountId: a.accountId,
            rules: a.findings.map((f) => f.rule),
          })),
        );
      }
      // The owner holds one message with live buttons: the one just delivered.
      if (message.kind === "owner_message")
        await supersedeOlderMessages(tx, { ...item, message }, deps.now());
      await tx.audit.appendAudit({
        at: deps.now(),
        event: "message.sent",
        actor: "warden",
        subject: item.recipient,
        detail: {
          outboxId: item.id,
          kind: item.kind,
          platform: item.platform,
          messageRef: JSON.stringify(encodeMessageRef(ref)),
          attempts: item.attempts + 1,
        },
      });
    });
  }

  async function recordFailure(item: StoredOutboxItem, failure: DeliveryError): Promise<void> {
    const at = deps.now();
    const owner = item.message?.kind === "owner_message" ? item.message : undefined;
    const adminChannel = deps.adminChannel;
    const reroutes = failure instanceof UnreachableRecipientError && owner && adminChannel;
    const error = reroutes ? `${failure.message}; sent to the admin channel instead` : failure.message;
    await store.transaction(async (tx) => {
      if (reroutes && (await reroute(tx, { ...item, message: owner }, failure, adminChannel))) {
        result.rerouted += 1;
      }
      if (failure.retry === "later") {
        // attempts counts this attempt too (it was incremented when the item was marked 'sending').
        const backoff = new Date(at.getTime() + retryDelayMs(item.attempts + 1));
        const cleared = failure.notBefore && failure.notBefore > at ? failure.notBefore : undefined;
        // A cause that clears before the backoff ends is retried then; a 429 is never retried before
        // the platform's Retry-After.
        const notBefore = !cleared
          ? backoff
          : failure.cause instanceof RateLimitedError
            ? new Date(Math.max(cleared.getTime(), backoff.getTime()))
            : new Date(Math.min(cleared.getTime(), backoff.getTime()));
        await tx.outbox.recordRetry(item.id, { error, at, notBefore });
        await tx.audit.appendAudit({
          at,
          event: "message.retry",
          actor: "warden",
          subject: item.recipient,
          detail: {
            outboxId: item.id,
            kind: item.kind,
            platform: item.platform,
            error,
            attempts: item.attempts + 1,
            notBefore: notBefore.toISOString(),
          },
        });
        result.retrying += 1;
      } else {
        await tx.outbox.recordRefusal(item.id, { error, at });
        await tx.audit.appendAudit({
          at,
          event: "message.failed",
          actor: "warden",
          subject: item.recipient,
          detail: { outboxId: item.id, kind: item.kind, platform: item.platform, error },
        });
        if (!reroutes) result.failed += 1;
      }
    });
  }

  /**
   * The owner cannot be reached: their accounts go to the admins once (per message content), with
   * the reason and whether warden keeps trying. Returns false when that was done already.
   */
  async function reroute(
    tx: Pick<Repositories, "outbox" | "audit">,
    item: Pick<OutboxItem<"owner_message">, "id" | "platform" | "recipient" | "dedupeKey" | "message">,
    failure: DeliveryError,
    adminChannel: string,
  ): Promise<boolean> {
    const reason = failure.message;
    const queued = await tx.outbox.enqueue({
      platform: item.platform,
      recipient: adminChannel,
      dedupeKey: `${item.dedupeKey}:rerouted`,
      message: {
        kind: "unowned",
        view: {
          accounts: compactUnlistedAccounts(item.message.view.accounts),
          unreachableOwner: item.recipient,
          reason,
          ownerRetried: failure.retry === "later",
        },
      },
      now: deps.now(),
    });
    if (queued === undefined) return false;
    await tx.audit.appendAudit({
      at: deps.now(),
      event: "message.rerouted",
      actor: "warden",
      subject: item.recipient,
      detail: { outboxId: item.id, platform: item.platform, reason, to: adminChannel, retry: failure.retry },
    });
    return true;
  }
}

/** Errors a sender did not classify cannot clear by waiting (a bug, a bad payload): refused. */
function toDeliveryError(error: unknown, now: Date): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitedError) {
    return new DeliveryError(error.message, {
      notBefore: new Date(now.getTime() + error.retryAfterMs),
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(message, { retry: "never", cause: error });
}
