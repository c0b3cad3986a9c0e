import type { OwnerMessageView } from "../../../messages/build-owner-messages.js";
import type { SlackMessageRef } from "../../../notify/message-ref.js";
import type { OutboxKind, OutboxMessage, OutboxViews } from "../../../notify/outbox-message.js";
import { renderFollowUpBlocks } from "../render-follow-up-blocks.js";
import { renderAdminAccountsBlocks } from "./render-admin-accounts-blocks.js";
import { renderAlertBlocks } from "./render-alert-blocks.js";
import { renderDigestBlocks } from "./render-digest-blocks.js";
import { renderOwnerMessageBlocks } from "./render-owner-message-blocks.js";
import { renderReviewFollowUpBlocks } from "./render-review-follow-up-blocks.js";
import { renderReviewRequestBlocks } from "./render-review-request-blocks.js";
import type { SlackDelivery } from "./slack-delivery.js";

export interface SlackRenderContext {
  /** The outbox id of the item: buttons carry it as their message id. */
  messageId: number;
  /** The item's recipient: owner email or channel id. */
  recipient: string;
  now: Date;
  /** A sent owner message (its view and where it landed), for an update in place. */
  sentOwnerMessage(outboxId: number): { view: OwnerMessageView; ref: SlackMessageRef };
}

type SlackRenderers = {
  readonly [K in OutboxKind]: (view: OutboxViews[K], context: SlackRenderContext) => SlackDelivery;
};

/** One Slack renderer per kind of outbox message. */
export const SLACK_RENDERERS: SlackRenderers = {
  owner_message: (view, c) => ({
    post: renderOwnerMessageBlocks(view, { messageId: c.messageId, now: c.now }),
    to: { owner: c.recipient },
  }),
  unowned: (view, c) => ({
    post: renderAdminAccountsBlocks(view, { messageId: c.messageId, now: c.now }),
    to: { channel: c.recipient },
  }),
  not_mine: (view, c) => ({
    post: renderAdminAccountsBlocks(view, { messageId: c.messageId, now: c.now }),
    to: { channel: c.recipient },
  }),
  digest: (view, c) => ({ post: renderDigestBlocks(view), to: { channel: c.recipient } }),
  alert: (view, c) => ({ post: renderAlertBlocks(view), to: { channel: c.recipient } }),
  reminder: (view) => {
    // A reminder replies in the thread of the message it follows up.
    if (view.replyTo?.platform !== "slack") throw new Error("the reminder's original message is unknown");
    return { post: renderFollowUpBlocks("reminder", view), to: { thread: view.replyTo } };
  },
  escalation: (view, c) => ({ post: renderFollowUpBlocks("escalation", view), to: { channel: c.recipient } }),
  review_request: (view, c) => ({
    post: renderReviewRequestBlocks(view, { messageId: c.messageId, now: c.now }),
    to: { owner: c.recipient },
  }),
  review_follow_up: (view, c) => {
    // The escalation goes to the admin channel; a reminder or warning replies under the review message.
    if (view.stage === "escalation")
      return { post: renderReviewFollowUpBlocks(view), to: { channel: c.recipient } };
    if (view.replyTo?.platform !== "slack") throw new Error("the review message to reply under is unknown");
    return { post: renderReviewFollowUpBlocks(view), to: { thread: view.replyTo } };
  },
  message_update: ({ outboxId }, c) => {
    // Re-render a sent owner message from its stored view, in place.
    const original = c.sentOwnerMessage(outboxId);
    return {
      update: renderOwnerMessageBlocks(original.view, { messageId: outboxId, now: c.now }),
      at: original.ref,
    };
  },
};

/** The Slack message for `message` and where it goes. */
export function renderOutboxMessage(message: OutboxMessage, context: SlackRenderContext): SlackDelivery {
  // TypeScript cannot relate the table's entry to the union member by kind; the table's type does.
  const render = SLACK_RENDERERS[message.kind] as (
    view: OutboxMessage["view"],
    context: SlackRenderContext,
  ) => SlackDelivery;
  return render(message.view, context);
}
