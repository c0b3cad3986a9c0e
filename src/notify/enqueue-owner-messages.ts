import { createHash } from "node:crypto";
import {
  buildOwnerMessages,
  type OwnerAccountView,
  type OwnerMessageView,
} from "../messages/build-owner-messages.js";
import type { Repositories, StoreTx } from "../store/store.js";
import { createPacer, yieldToLoop } from "../yield-to-loop.js";
import { compactUnlistedAccounts } from "./compact-unlisted-accounts.js";
import { enqueueMessageUpdate } from "./enqueue-message-update.js";
import {
  findingKeys,
  isAskedAlready,
  type LiveOwnerMessage,
  listLiveOwnerMessages,
} from "./live-owner-messages.js";

/**
 * What an owner was told: accounts, their rules, and any Keep that expired since (so a finding
 * coming back after its acceptance ran out makes a new message). The same content gives the same key.
 */
/**
 * An account the admin channel was shown with no reachable owner is posted again after this many
 * days if it still has none: a reminder, not a daily repeat of the whole list.
 */
export const UNOWNED_REPEAT_DAYS = 30;

/**
 * Owners handled per transaction. At 50,000 identities one transaction for the whole run (about
 * 4,400 owners) held the event loop for ~310 ms in its COMMIT alone; a batch of this many writes a
 * few tens of KB (https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop).
 */
export const OWNERS_PER_BATCH = 200;

function contentKey(accounts: readonly OwnerAccountView[]): string {
  const content = accounts
    .map((a) => `${a.source}:${a.accountId}:${[...findingKeys(a)].sort().join(",")}`)
    .sort();
  return createHash("sha256").update(content.join("\n")).digest("hex").slice(0, 32);
}

/**
 * Queues what each owner needs so they hold one message with live buttons, and one admin-channel
 * message for the accounts nobody reachable owns. Per owner and platform:
 * - nothing changed (every account and finding is asked about in a live message): nothing is queued;
 * - only removals (accounts fixed, decided, reassigned away, findings resolved): the live message
 *   is updated in place (its stored view, then a message_update);
 * - a new account or a new finding: ONE new message with every account still open for them; once
 *   it is delivered, deliverOutbox supersedes the older live messages (buttons removed, a pointer
 *   to the new one). An owner whose previous message still waits to be delivered gets that one,
 *   with the new content.
 */
export async function enqueueOwnerMessages(
  store: StoreTx,
  options: {
    platform: string;
    adminChannel: string | undefined;
    now: Date;
    /** Owners handled per transaction (OWNERS_PER_BATCH). */
    batchOwners?: number;
    /** WARDEN_MODE=ticket: the buttons say they open a ticket (OwnerAccountView.ticketMode). */
    ticketMode?: boolean | undefined;
  },
): Promise<{ owners: number; unowned: number }> {
  const { platform, now } = options;
  const { messages, unowned } = await buildOwnerMessages(store, { now });
  if (options.ticketMode) for (const m of messages) for (const a of m.accounts) a.ticketMode = true;
  const latestScanAt = (await store.scans.listScans({ status: "succeeded", limit: 1 }))[0]?.startedAt;
  // Who owns each risky account now, to tell an owner whose account went to someone else.
  const currentOwner = new Map<string, { email: string; account: OwnerAccountView }>();
  // Tens of thousands of accounts at 50,000 identities (~50 ms in one go): the loop turns every few ms.
  const paceIndex = createPacer();
  for (const message of messages) {
    await paceIndex();
    for (const account of message.accounts) {
      currentOwner.set(`${account.source}:${account.accountId}`, { email: message.owner.email, account });
    }
  }
  const byRecipient = new Map(messages.map((m) => [m.owner.email, m]));
  // Owners with a live message are visited too: their accounts may all have gone (removals).
  const recipients = [
    ...new Set([...byRecipient.keys(), ...(await store.outbox.listLiveOwnerRecipients(platform))]),
  ];
  const batch = Math.max(1, options.batchOwners ?? OWNERS_PER_BATCH);
  let owners = 0;
  // Thousands of owners: one transaction each for a bounded batch, the event loop served in
  // between (and every few ms within), so no COMMIT writes a whole run's messages at once. Each
  // owner is decided from their live messages as they are in that batch's transaction, and the
  // dedupe key makes a batch run again after a crash queue nothing twice.
  for (let from = 0; from < recipients.length; from += batch) {
    if (from > 0) await yieldToLoop();
    owners += await store.transaction(async (tx) => {
      let queued = 0;
      const pace = createPacer();
      for (const recipient of recipients.slice(from, from + batch)) {
        await pace();
        const message = byRecipient.get(recipient);
        const theirs = (await listLiveOwnerMessages(tx, platform, recipient)).get(recipient) ?? [];
        const asksNew = message?.accounts.some((a) => !isAskedAlready(theirs, a, latestScanAt)) ?? false;
        if (!asksNew) {
          for (const older of theirs) await updateInPlace(tx, older, message, currentOwner, now);
        }
        if (!message || (!asksNew && !(await tx.outbox.hasPendingOwnerMessage(platform, recipient))))
          continue;
        // buildOwnerMessages keys owners by their normalised email (normalizeEmail): one recipient each.
        // The key names the live message it follows, so the same content can be asked again later.
        const after = theirs.at(-1)?.outboxId ?? 0;
        const id = await tx.outbox.enqueue({
          platform,
          recipient,
          dedupeKey: `${platform}:owner:${recipient}:${contentKey(message.accounts)}:after:${after}`,
          message: { kind: "owner_message", view: message },
          now,
          // An earlier message that could not be delivered yet takes this content: one message, the latest.
          replacePending: true,
        });
        if (id !== undefined) queued += 1;
      }
      return queued;
    });
  }
  if (unowned.length > 0 && options.adminChannel) {
    const adminChannel = options.adminChannel;
    await store.transaction(async (tx) => {
      // Only what the admin channel was not shown lately (an account, or a rule of it, new to the
      // list, or shown more than UNOWNED_REPEAT_DAYS ago): a changing list is not posted whole
      // every day. A post still waiting to go out takes the new content instead.
      const shown = await tx.outbox.listAccountsShownTo({
        platform,
        kind: "unowned",
        recipient: adminChannel,
        since: new Date(now.getTime() - UNOWNED_REPEAT_DAYS * 86_400_000),
      });
      const fresh = unowned.filter((a) => {
        const rules = shown.get(`${a.source}:${a.accountId}`);
        return !rules || a.findings.some((f) => !rules.has(f.rule));
      });
      if (fresh.length === 0) return;
      await tx.outbox.enqueue({
        platform,
        recipient: adminChannel,
        // The day in the key: the same accounts may be due again as a reminder a month later.
        dedupeKey: `${platform}:unowned:${adminChannel}:${now.toISOString().slice(0, 10)}:${contentKey(fresh)}`,
        message: { kind: "unowned", view: { accounts: compactUnlistedAccounts(fresh) } },
        now,
        replacePending: true,
      });
    });
  }
  return { owners, unowned: unowned.length };
}

/**
 * Only removals for this owner: a live message shows them in place. An account whose findings
 * shrank shows its current ones; an account an admin assigned to someone else says so and loses
 * its buttons. (An account with no open finding left is shown fixed by markFixedAccounts.)
 */
async function updateInPlace(
  store: Pick<Repositories, "outbox">,
  older: LiveOwnerMessage,
  current: OwnerMessageView | undefined,
  currentOwner: ReadonlyMap<string, { email: string; account: OwnerAccountView }>,
  now: Date,
): Promise<void> {
  let changed = false;
  older.view.accounts = older.view.accounts.map((shown) => {
    const key = `${shown.source}:${shown.accountId}`;
    const open = current?.accounts.find((a) => a.source === shown.source && a.accountId === shown.accountId);
    if (open) {
      const before = findingKeys(shown);
      const after = findingKeys(open);
      if (before.size === after.size && [...after].every((k) => before.has(k))) return shown;
      // The findings still open, re-rendered with buttons that carry those rules.
      changed = true;
      return { ...open, decision: shown.decision };
    }
    const other = currentOwner.get(key);
    if (other && other.email !== older.view.owner.email && shown.decision?.action !== "reassigned") {
      changed = true;
      return {
        ...shown,
        decision: {
          decisionId: 0,
          action: "reassigned",
          actor: other.account.assigned?.by ?? "an admin",
          at: other.account.assigned?.at ?? now,
          outcome: "applied",
          reason: other.email,
        },
      };
    }
    return shown;
  });
  if (!changed) return;
  await store.outbox.setOutboxMessage(older.outboxId, { kind: "owner_message", view: older.view });
  await enqueueMessageUpdate(store, older.outboxId, now);
}
