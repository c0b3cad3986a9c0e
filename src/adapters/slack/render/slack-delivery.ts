import type { SlackMessageRef } from "../../../notify/message-ref.js";
import type { SlackMessage } from "./slack-message.js";

/**
 * A rendered outbox message and where it goes: a new post (an owner's DM, a channel, a thread
 * under an earlier message), or an update in place of a message sent before.
 */
export type SlackDelivery =
  | { post: SlackMessage; to: { owner: string } | { channel: string } | { thread: SlackMessageRef } }
  | { update: SlackMessage; at: SlackMessageRef };
