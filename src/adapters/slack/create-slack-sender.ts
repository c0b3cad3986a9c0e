import { ErrorCode, type WebClient } from "@slack/web-api";
import type { Database } from "better-sqlite3";
import {
  type OutboxSender,
  RateLimitedError,
  UnreachableRecipientError,
} from "../../notify/deliver-outbox.js";
import type { SlackMessageRef } from "../../notify/message-ref.js";
import { sentOwnerMessage } from "../../notify/sent-owner-message.js";
import { chatUserCacheExpiresAt, getChatUserId, saveChatUser } from "../../store/chat-users.js";
import { hasDeliveredTo } from "../../store/has-delivered-to.js";
import type { OutboxItem } from "../../store/outbox.js";
import { renderOutboxMessage } from "./render/render-outbox-message.js";
import type { SlackDelivery } from "./render/slack-delivery.js";
import { messageArgs } from "./render/slack-message.js";
import { toSlackDeliveryError } from "./to-slack-delivery-error.js";

/**
 * Sends outbox items through Slack's Web API: the message is rendered from its stored view by the
 * kind's renderer (SLACK_RENDERERS); this is transport only. Owners are found by email
 * (users.lookupByEmail, the answer cached in SQLite) and a DM is opened. Slack's 429s surface as
 * RateLimitedError so the outbox waits them out.
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

  /** Posts a new message, or updates one in place; returns where it is. */
  async function deliver(delivery: SlackDelivery): Promise<SlackMessageRef> {
    if ("update" in delivery) {
      const { channel, ts } = delivery.at;
      await client.chat.update({ channel, ts, ...messageArgs(delivery.update) });
      return delivery.at;
    }
    const to = delivery.to;
    let channel: string;
    let thread: string | undefined;
    if ("owner" in to) {
      const user = await userIdFor(to.owner);
      const dm = await client.conversations.open({ users: user });
      channel = dm.channel?.id ?? user;
    } else if ("thread" in to) {
      channel = to.thread.channel;
      thread = to.thread.ts;
    } else {
      channel = to.channel;
    }
    const answer = await client.chat.postMessage({
      channel,
      ...(thread ? { thread_ts: thread } : {}),
      ...messageArgs(delivery.post),
    });
    return { platform: "slack", channel: answer.channel ?? channel, ts: answer.ts ?? "" };
  }

  return {
    platform: "slack",
    async send(item: OutboxItem) {
      try {
        const delivery = renderOutboxMessage(item.message, {
          messageId: item.id,
          recipient: item.recipient,
          now: deps.now(),
          sentOwnerMessage: (outboxId) => sentOwnerMessage(db, "slack", outboxId),
        });
        return { ref: await deliver(delivery) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === ErrorCode.RateLimitedError) {
          throw new RateLimitedError(((error as { retryAfter?: number }).retryAfter ?? 1) * 1000);
        }
        throw toSlackDeliveryError(error, {
          recipient: item.recipient,
          direct: item.kind === "owner_message",
          deliveredBefore: () => hasDeliveredTo(db, "slack", item.recipient),
        });
      }
    },
  };
}
