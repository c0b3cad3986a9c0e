import { ErrorCode, type WebClient } from "@slack/web-api";
import {
  type OutboxSender,
  RateLimitedError,
  UnreachableRecipientError,
} from "../../notify/deliver-outbox.js";
import type { SlackMessageRef } from "../../notify/message-ref.js";
import { sentOwnerMessageLookup } from "../../notify/sent-owner-message-lookup.js";
import type { OutboxItem } from "../../store/outbox.js";
import type { Repositories } from "../../store/store.js";
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
  /** The chat user cache, and the outbox (an update's original message, earlier deliveries). */
  store: Pick<Repositories, "chatUsers" | "outbox">;
  now: () => Date;
  /** How long a cached email → user id answer (found or not) is used before asking Slack again, in ms. */
  userCacheMs: number;
}): OutboxSender {
  const { client, store } = deps;

  /**
   * The owner's Slack user id. "Not found" is cached like a found id, for `userCacheMs` only: the
   * message waits, and is retried when that answer expires (the owner may have joined by then).
   */
  async function userIdFor(email: string): Promise<string> {
    const notFound = (notBefore: Date | undefined) =>
      new UnreachableRecipientError(`no Slack user with the email ${email}`, { notBefore });
    const cached = await store.chatUsers.getChatUserId("slack", email, {
      now: deps.now(),
      maxAgeMs: deps.userCacheMs,
    });
    if (cached) return cached;
    if (cached === null) {
      throw notFound(await store.chatUsers.chatUserCacheExpiresAt("slack", email, deps.userCacheMs));
    }
    try {
      const answer = await client.users.lookupByEmail({ email });
      const id = answer.user?.id;
      if (!id) throw notFound(undefined);
      if (answer.user?.deleted) {
        throw new UnreachableRecipientError(`the Slack user with the email ${email} is deactivated`, {
          retry: "never",
        });
      }
      await store.chatUsers.saveChatUser("slack", email, id, deps.now());
      return id;
    } catch (error) {
      if ((error as { data?: { error?: string } }).data?.error === "users_not_found") {
        await store.chatUsers.saveChatUser("slack", email, null, deps.now());
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
          sentOwnerMessage: await sentOwnerMessageLookup(store, "slack", item.message),
        });
        return { ref: await deliver(delivery) };
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === ErrorCode.RateLimitedError) {
          throw new RateLimitedError(((error as { retryAfter?: number }).retryAfter ?? 1) * 1000);
        }
        const direct = item.kind === "owner_message";
        // Only a channel post's channel_not_found asks whether warden posted there before.
        const deliveredBefore = !direct && (await store.outbox.hasDeliveredTo("slack", item.recipient));
        throw toSlackDeliveryError(error, {
          recipient: item.recipient,
          direct,
          deliveredBefore: () => deliveredBefore,
        });
      }
    },
  };
}
