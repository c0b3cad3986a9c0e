import type { StoreTx } from "../store/store.js";
import { buildAccountView } from "../views/build-account-view.js";
import type { OwnerAccountView } from "../views/build-owner-messages.js";
import type { MessageRef } from "./message-ref.js";

const DAY = 86_400_000;

/** A reminder in the owner's conversation, or an escalation to the admins. */
export interface FollowUpView {
  ownerEmail: string;
  /** The original message: where to reply, and since when it waits. */
  replyTo: MessageRef | undefined;
  originalId: number;
  sentAt: Date;
  accounts: OwnerAccountView[];
}

export interface FollowUpOptions {
  now: Date;
  /** Days without an answer before the one reminder (default 3). */
  reminderDays?: number;
  /** Days without an answer before the admins are told (default 7). */
  escalationDays?: number;
  /** Admin channel per platform. */
  adminChannels: Readonly<Record<string, string | undefined>>;
}

/**
 * Chases owners who have not answered: one reminder in the same conversation after
 * `reminderDays`, then one escalation to the admin channel, naming the owner, after
 * `escalationDays`. An account that was answered, fixed in ServiceNow, or kept drops out; each
 * message is reminded and escalated at most once (the dedupe keys say so).
 */
export async function enqueueFollowUps(
  store: StoreTx,
  options: FollowUpOptions,
): Promise<{ reminders: number; escalations: number }> {
  const { now } = options;
  const counts = { reminders: 0, escalations: 0 };
  const remindBefore = new Date(now.getTime() - (options.reminderDays ?? 3) * DAY);
  const escalateBefore = new Date(now.getTime() - (options.escalationDays ?? 7) * DAY);
  await store.transaction(async (tx) => {
    for (const message of await tx.outbox.listUnansweredMessages(remindBefore, now)) {
      const accounts: OwnerAccountView[] = [];
      for (const a of message.accountIds) {
        const account = await buildAccountView(tx, a.source, a.accountId);
        if (account) accounts.push(account);
      }
      if (accounts.length === 0) continue;
      const view: FollowUpView = {
        ownerEmail: message.ownerEmail,
        replyTo: message.ref,
        originalId: message.outboxId,
        sentAt: message.sentAt,
        accounts,
      };
      const reminded = await tx.outbox.enqueue({
        platform: message.platform,
        recipient: message.ownerEmail,
        dedupeKey: `${message.platform}:reminder:${message.outboxId}`,
        message: { kind: "reminder", view },
        now,
      });
      if (reminded !== undefined) counts.reminders += 1;
      const adminChannel = options.adminChannels[message.platform];
      if (message.sentAt <= escalateBefore && adminChannel) {
        const escalated = await tx.outbox.enqueue({
          platform: message.platform,
          recipient: adminChannel,
          dedupeKey: `${message.platform}:escalation:${message.outboxId}`,
          message: { kind: "escalation", view },
          now,
        });
        if (escalated !== undefined) counts.escalations += 1;
      }
    }
  });
  return counts;
}
