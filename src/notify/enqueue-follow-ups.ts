import type { Finding } from "../core/model.js";
import { buildAccountView } from "../messages/build-account-view.js";
import type { OwnerAccountView } from "../messages/build-owner-messages.js";
import type { DueFollowUp } from "../store/follow-ups.js";
import type { StoreTx } from "../store/store.js";
import { FOLLOW_UP_DELAYS } from "./follow-up-delays.js";
import type { MessageRef } from "./message-ref.js";

const DAY = 86_400_000;

/**
 * How long one transaction of the pass may run. SQLite statements run synchronously, so a
 * transaction holds the event loop for as long as it takes: the pass works in short ones, with a
 * turn of the event loop between them; a commit may add a WAL checkpoint of a few tens of ms
 * (https://www.sqlite.org/wal.html#automatic_checkpoint), so the slices are kept short
 * (https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop).
 */
const SLICE_MS = 5;
/** Due messages read at a time (each then costs a few index lookups and one or two inserts). */
const BATCH = 20;

/**
 * An account as a follow-up lists it: its name and the rules still waiting for an answer. A
 * follow-up has no buttons (the original message's do the work), so it keeps only what it shows,
 * not the whole account view: kept for the retention period, a year of reminders and escalations
 * held a copy of every chased account's evidence, usage and actions. (An OwnerAccountView is one.)
 */
export interface FollowUpAccount {
  source: string;
  accountId: string;
  userName: string;
  name: string;
  findings: Pick<Finding, "rule">[];
}

/** A reminder in the owner's conversation, or an escalation to the admins. */
export interface FollowUpView {
  ownerEmail: string;
  /**
   * The owner's chat user (from the lookup that delivered the original message), so an escalation
   * mentions them: the point of an escalation is attention. Absent in reminders and older views.
   */
  ownerRef?: { platform: string; id: string } | undefined;
  /** The original message: where to reply, and since when it waits. */
  replyTo: MessageRef | undefined;
  originalId: number;
  sentAt: Date;
  accounts: FollowUpAccount[];
}

export interface FollowUpOptions {
  now: Date;
  /**
   * Admin channel per platform; the pass chases the messages of these platforms only (each
   * platform's pass its own: a message is escalated to its own platform's admins).
   */
  adminChannels: Readonly<Record<string, string | undefined>>;
}

/**
 * Chases owners who have not answered: one reminder in the same conversation
 * `FOLLOW_UP_DELAYS.reminderDays` after the message was sent, then one escalation to the admin
 * channel, naming the owner, after `escalationDays`; after that the message ages out. An account
 * that was answered, fixed in ServiceNow, or kept drops out. Only the messages whose follow-up is
 * due are read (their schedule, src/store/follow-ups.ts), in batches, so a daily pass costs what is
 * due that day; the dedupe keys still guard against a second reminder or escalation.
 */
export async function enqueueFollowUps(
  store: StoreTx,
  options: FollowUpOptions,
): Promise<{ reminders: number; escalations: number }> {
  const { now } = options;
  const counts = { reminders: 0, escalations: 0 };
  const escalateBefore = new Date(now.getTime() - FOLLOW_UP_DELAYS.escalationDays * DAY);
  const platforms = Object.keys(options.adminChannels);
  const seen = new Set<number>();
  for (;;) {
    const handled = await store.transaction(async (tx) => {
      const until = performance.now() + SLICE_MS;
      const due = await tx.outbox.listDueFollowUps(now, platforms, BATCH);
      // Each message handled is stopped or moved past `now`; one seen twice would loop forever.
      let handled = 0;
      for (const message of due) {
        if (seen.has(message.outboxId)) continue;
        // The rest stay due: the next slice reads them again.
        if (handled > 0 && performance.now() > until) break;
        seen.add(message.outboxId);
        await followUp(tx, message);
        handled += 1;
      }
      return handled;
    });
    if (handled === 0) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return counts;

  async function followUp(tx: StoreTx, message: DueFollowUp): Promise<void> {
    const accounts: OwnerAccountView[] = [];
    const chased = message.live ? await tx.outbox.listFollowUpAccounts(message.outboxId, now) : [];
    for (const a of chased) {
      const account = await buildAccountView(tx, a.source, a.accountId);
      if (account) accounts.push(account);
    }
    // Nothing left to chase (answered, fixed, kept, superseded): the message ages out.
    if (accounts.length === 0) return tx.outbox.stopFollowUps(message.outboxId);
    const view: FollowUpView = {
      ownerEmail: message.ownerEmail,
      replyTo: message.ref,
      originalId: message.outboxId,
      sentAt: message.sentAt,
      accounts,
    };
    if (message.stage === "reminder") {
      const reminded = await tx.outbox.enqueue({
        platform: message.platform,
        recipient: message.ownerEmail,
        dedupeKey: `${message.platform}:reminder:${message.outboxId}`,
        message: { kind: "reminder", view },
        now,
      });
      if (reminded !== undefined) counts.reminders += 1;
      // A pass that comes late (warden was down) escalates in the same pass as it reminds.
      if (message.sentAt > escalateBefore) {
        const escalateAt = new Date(message.sentAt.getTime() + FOLLOW_UP_DELAYS.escalationDays * DAY);
        return tx.outbox.scheduleEscalation(message.outboxId, escalateAt);
      }
    }
    const adminChannel = options.adminChannels[message.platform];
    if (adminChannel) {
      const owner = await tx.chatUsers.getCachedChatUser(message.platform, message.ownerEmail);
      const ownerRef = owner?.userId ? { platform: message.platform, id: owner.userId } : undefined;
      const escalated = await tx.outbox.enqueue({
        platform: message.platform,
        recipient: adminChannel,
        dedupeKey: `${message.platform}:escalation:${message.outboxId}`,
        message: { kind: "escalation", view: { ...view, ownerRef } },
        now,
      });
      if (escalated !== undefined) counts.escalations += 1;
    }
    // Escalated (or no admin channel to escalate to): unanswered messages age out here.
    await tx.outbox.stopFollowUps(message.outboxId);
  }
}
