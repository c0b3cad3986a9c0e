import { ErrorCode, type WebClient } from "@slack/web-api";
import type { RatePacer } from "../../chat-pacing/rate-pacer.js";
import { sharedPacer } from "../../chat-pacing/shared-pacer.js";
import { DEFAULT_SLACK_PACING, type SlackPacing, slackPaceRules } from "../../chat-pacing/slack-pacing.js";
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
import { messageArgs, type SlackMessage } from "./render/slack-message.js";
import { toSlackDeliveryError } from "./to-slack-delivery-error.js";

/** How long a found Slack user id (and its DM channel) is used before Slack is asked again. */
export const KNOWN_SLACK_USER_MS = 30 * 24 * 3_600_000;

/**
 * Errors on a post to a cached user or DM channel that mean the cache is stale (the account was
 * replaced, the DM is gone): the cache entry is dropped and the owner looked up again, once.
 */
const STALE_CACHE_ERRORS = new Set(["channel_not_found", "user_not_found", "account_inactive"]);

const platformErrorOf = (error: unknown): string | undefined =>
  (error as { code?: string }).code === ErrorCode.PlatformError
    ? (error as { data?: { error?: string } }).data?.error
    : undefined;

/**
 * Sends outbox items through Slack's Web API: the message is rendered from its stored view by the
 * kind's renderer (SLACK_RENDERERS); this is transport only. Owners are found by email
 * (users.lookupByEmail) and a DM is opened (conversations.open) once: the user id and the DM channel
 * are cached in SQLite, so later messages post straight to the channel. Every call is paced against
 * its Slack budget (src/chat-pacing/slack-pacing.ts) instead of running into 429s; a 429 that still
 * comes surfaces as RateLimitedError so the outbox waits it out.
 */
export function createSlackSender(deps: {
  client: WebClient;
  /** The chat user cache, and the outbox (an update's original message, earlier deliveries). */
  store: Pick<Repositories, "chatUsers" | "outbox">;
  now: () => Date;
  /** How long a cached "no user with this email" answer is used before asking Slack again, in ms. */
  userCacheMs: number;
  /** How long a found user id and its DM channel are used before asking Slack again (KNOWN_SLACK_USER_MS). */
  knownUserMs?: number;
  /** The budgets calls are paced against (DEFAULT_SLACK_PACING). */
  pacing?: Partial<SlackPacing>;
  /** Shared by every sender of one client by default (sharedPacer). */
  pacer?: RatePacer;
}): OutboxSender {
  const { client, store } = deps;
  const pacing: SlackPacing = { ...DEFAULT_SLACK_PACING, ...deps.pacing };
  const pacer = deps.pacer ?? sharedPacer(client);
  const knownUserMs = deps.knownUserMs ?? KNOWN_SLACK_USER_MS;
  const pace = (call: Parameters<typeof slackPaceRules>[1]) =>
    pacer.take(slackPaceRules(pacing, call), {
      horizonMs: "method" in call && call.method === "chat.update" ? pacing.updateHorizonMs : undefined,
      now: deps.now(),
    });

  /**
   * The owner's Slack user id, read from Slack. "Not found" is cached for `userCacheMs` only: the
   * message waits, and is retried when that answer expires (the owner may have joined by then).
   */
  async function lookUp(email: string): Promise<string> {
    const notFound = (notBefore: Date | undefined) =>
      new UnreachableRecipientError(`no Slack user with the email ${email}`, { notBefore });
    try {
      await pace({ method: "users.lookupByEmail" });
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
      if (platformErrorOf(error) === "users_not_found") {
        await store.chatUsers.saveChatUser("slack", email, null, deps.now());
        throw notFound(new Date(deps.now().getTime() + deps.userCacheMs));
      }
      throw error;
    }
  }

  /**
   * The DM channel with the owner of `email`: cached (with the user id it belongs to), else the user
   * is looked up and the DM opened, and both are cached. `usedCache` is called when the user id came
   * from the cache (a refusal of the open or the post then means the cache is stale).
   */
  async function directChannel(email: string, usedCache: () => void): Promise<string> {
    const entry = await store.chatUsers.getCachedChatUser("slack", email);
    const age = entry ? deps.now().getTime() - entry.resolvedAt.getTime() : Number.POSITIVE_INFINITY;
    if (entry && entry.userId === null && age < deps.userCacheMs) {
      throw new UnreachableRecipientError(`no Slack user with the email ${email}`, {
        notBefore: new Date(entry.resolvedAt.getTime() + deps.userCacheMs),
      });
    }
    const cached = entry?.userId && age < knownUserMs ? entry.userId : undefined;
    if (cached) usedCache();
    if (cached && entry?.dmChannel) return entry.dmChannel;
    const user = cached ?? (await lookUp(email));
    // A lookup that found the same user again keeps the DM channel cached for them.
    const known = cached ? undefined : (await store.chatUsers.getCachedChatUser("slack", email))?.dmChannel;
    if (known) return known;
    await pace({ method: "conversations.open" });
    const dm = await client.conversations.open({ users: user });
    const channel = dm.channel?.id ?? user;
    if (dm.channel?.id) await store.chatUsers.saveDmChannel("slack", user, channel, deps.now());
    return channel;
  }

  async function post(channel: string, message: SlackMessage, thread?: string): Promise<SlackMessageRef> {
    await pace({ post: channel });
    const answer = await client.chat.postMessage({
      channel,
      ...(thread ? { thread_ts: thread } : {}),
      ...messageArgs(message),
    });
    return { platform: "slack", channel: answer.channel ?? channel, ts: answer.ts ?? "" };
  }

  /** Posts a new message, or updates one in place; returns where it is. */
  async function deliver(delivery: SlackDelivery): Promise<SlackMessageRef> {
    if ("update" in delivery) {
      const { channel, ts } = delivery.at;
      await pace({ method: "chat.update" });
      await client.chat.update({ channel, ts, ...messageArgs(delivery.update) });
      return delivery.at;
    }
    const to = delivery.to;
    if ("owner" in to) {
      let cached = false;
      const usedCache = () => {
        cached = true;
      };
      try {
        return await post(await directChannel(to.owner, usedCache), delivery.post);
      } catch (error) {
        const code = platformErrorOf(error);
        if (!cached || code === undefined || !STALE_CACHE_ERRORS.has(code)) throw error;
        // The cached user or DM is gone (the account replaced, the DM closed for good): look again, once.
        await store.chatUsers.forgetChatUserEmail("slack", to.owner);
        return await post(await directChannel(to.owner, () => {}), delivery.post);
      }
    }
    if ("thread" in to) return post(to.thread.channel, delivery.post, to.thread.ts);
    return post(to.channel, delivery.post);
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
