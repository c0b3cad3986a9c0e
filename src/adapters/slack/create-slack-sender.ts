import { ErrorCode, type WebClient } from "@slack/web-api";
import type { Database } from "better-sqlite3";
import {
  type OutboxSender,
  RateLimitedError,
  UnreachableRecipientError,
} from "../../notify/deliver-outbox.js";
import type { FollowUpView } from "../../notify/enqueue-follow-ups.js";
import { viewFromJson } from "../../notify/view-json.js";
import { chatUserCacheExpiresAt, getChatUserId, saveChatUser } from "../../store/chat-users.js";
import { getOutboxItem, type OutboxItem } from "../../store/outbox.js";
import type { DigestView } from "../../views/build-digest.js";
import type { OwnerAccountView, OwnerMessageView } from "../../views/build-owner-messages.js";
import { type DisownedView, describeDisowned } from "../../views/describe-disowned.js";
import { describeReroute, type ReroutedView } from "../../views/describe-reroute.js";
import {
  checkBlockKitLimits,
  renderDigestBlocks,
  renderOwnerMessageBlocks,
  renderUnownedBlocks,
} from "./render/index.js";
import { sectionBlock } from "./render/slack-blocks.js";
import { messageArgs, type SlackMessage } from "./render/slack-message.js";
import { renderFollowUpBlocks } from "./render-follow-up-blocks.js";
import { toSlackDeliveryError } from "./to-slack-delivery-error.js";

/** Where a Slack message landed, as the outbox keeps it (chat.update needs both). */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

/**
 * Sends outbox items through Slack's Web API: owners are found by email (users.lookupByEmail, the
 * answer cached in SQLite), a DM is opened, and the message is rendered from the stored view.
 * Slack's 429s surface as RateLimitedError so the outbox waits them out.
 */
export function createSlackSender(deps: {
  client: WebClient;
  db: Database;
  now: () => Date;
  /** How long a cached email → user id answer (found or not) is used before asking Slack again, in ms. */
  userCacheMs: number;
}): OutboxSender {
  const { client, db } = deps;

  /**
   * The owner's Slack user id. "Not found" is cached like a found id, for `userCacheMs` only: the
   * message waits, and is retried when that answer expires (the owner may have joined by then).
   */
  async function userIdFor(email: string): Promise<string> {
    const notFound = (notBefore: Date | undefined) =>
      new UnreachableRecipientError(`no Slack user with the email ${email}`, { notBefore });
    const cached = getChatUserId(db, "slack", email, { now: deps.now(), maxAgeMs: deps.userCacheMs });
    if (cached) return cached;
    if (cached === null) throw notFound(chatUserCacheExpiresAt(db, "slack", email, deps.userCacheMs));
    try {
      const answer = await client.users.lookupByEmail({ email });
      const id = answer.user?.id;
      if (!id) throw notFound(undefined);
      if (answer.user?.deleted) {
        throw new UnreachableRecipientError(`the Slack user with the email ${email} is deactivated`, {
          retry: "never",
        });
      }
      saveChatUser(db, "slack", email, id, deps.now());
      return id;
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === "users_not_found") {
        saveChatUser(db, "slack", email, null, deps.now());
        throw notFound(new Date(deps.now().getTime() + deps.userCacheMs));
      }
      throw error;
    }
  }

  /** Whether warden has posted to `channel` before (a channel_not_found then means it is gone). */
  function deliveredBefore(channel: string): boolean {
    return (
      db
        .prepare(
          "SELECT 1 FROM outbox WHERE platform = 'slack' AND recipient = ? AND status = 'sent' LIMIT 1",
        )
        .get(channel) !== undefined
    );
  }

  /**
   * The admin channel's list of accounts; when they were rerouted from an owner warden could not
   * reach, it starts by saying so and why; after a "Not mine", who disowned it, when, and whose it was. Fewer accounts are listed if the notice would not fit.
   */
  function unownedMessage(item: OutboxItem): SlackMessage {
    const view = viewFromJson<ReroutedView & DisownedView & { accounts: OwnerAccountView[] }>(item.payload);
    const notice = describeReroute(view) ?? describeDisowned(view);
    for (const maxAccounts of [10, 8, 5, 2, 0]) {
      const message = renderUnownedBlocks(view.accounts, {
        messageId: item.id,
        now: deps.now(),
        maxAccounts,
      });
      if (!notice) return message;
      // sectionBlock escapes the notice (it names people and accounts).
      const blocks = [
        ...message.blocks.slice(0, 1),
        sectionBlock(`:information_source: ${notice}`, 900),
        ...message.blocks.slice(1),
      ];
      if (checkBlockKitLimits(blocks).length === 0) return { text: message.text, blocks };
    }
    return renderUnownedBlocks(view.accounts, { messageId: item.id, now: deps.now() });
  }

  async function post(channel: string, message: SlackMessage): Promise<SlackMessageRef> {
    const answer = await client.chat.postMessage({ channel, ...messageArgs(message) });
    return { channel: answer.channel ?? channel, ts: answer.ts ?? "" };
  }

  return {
    platform: "slack",
    async send(item: OutboxItem) {
      try {
        let ref: SlackMessageRef;
        if (item.kind === "owner_message") {
          const view = viewFromJson<OwnerMessageView>(item.payload);
          const user = await userIdFor(item.recipient);
          const dm = await client.conversations.open({ users: user });
          ref = await post(
            dm.channel?.id ?? user,
            renderOwnerMessageBlocks(view, { messageId: item.id, now: deps.now() }),
          );
        } else if (item.kind === "unowned" || item.kind === "not_mine") {
          ref = await post(item.recipient, unownedMessage(item));
        } else if (item.kind === "digest") {
          ref = await post(item.recipient, renderDigestBlocks(viewFromJson<DigestView>(item.payload)));
        } else if (item.kind === "reminder") {
          const view = viewFromJson<FollowUpView>(item.payload);
          const original = view.replyTo ? (JSON.parse(view.replyTo) as SlackMessageRef) : undefined;
          if (!original) throw new Error("the reminder's original message is unknown");
          const message = renderFollowUpBlocks("reminder", view);
          const answer = await client.chat.postMessage({
            channel: original.channel,
            thread_ts: original.ts,
            ...messageArgs(message),
          });
          ref = { channel: answer.channel ?? original.channel, ts: answer.ts ?? "" };
        } else if (item.kind === "message_update") {
          // Re-render a sent owner message from its stored view, in place.
          const { outboxId } = JSON.parse(item.payload) as { outboxId: number };
          const original = getOutboxItem(db, outboxId);
          if (!original?.messageRef) throw new Error(`message ${outboxId} was never sent`);
          ref = JSON.parse(original.messageRef) as SlackMessageRef;
          const message = renderOwnerMessageBlocks(viewFromJson<OwnerMessageView>(original.payload), {
            messageId: outboxId,
            now: deps.now(),
          });
          await client.chat.update({ channel: ref.channel, ts: ref.ts, ...messageArgs(message) });
        } else if (item.kind === "escalation") {
          ref = await post(
            item.recipient,
            renderFollowUpBlocks("escalation", viewFromJson<FollowUpView>(item.payload)),
          );
        } else {
          throw new Error(`warden cannot send ${item.kind} messages to Slack yet`);
        }
        return { messageRef: JSON.stringify(ref) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === ErrorCode.RateLimitedError) {
          throw new RateLimitedError(((error as { retryAfter?: number }).retryAfter ?? 1) * 1000);
        }
        throw toSlackDeliveryError(error, {
          recipient: item.recipient,
          direct: item.kind === "owner_message",
          deliveredBefore: () => deliveredBefore(item.recipient),
        });
      }
    },
  };
}
