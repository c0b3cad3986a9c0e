import type { OwnerMessageView } from "../../../messages/build-owner-messages.js";
import type { TeamsMessageRef } from "../../../notify/message-ref.js";
import type { OutboxKind, OutboxMessage, OutboxViews } from "../../../notify/outbox-message.js";
import { renderAdminAccountsCard } from "./render-admin-accounts-card.js";
import { renderAlertCard } from "./render-alert-card.js";
import { renderDigestCard } from "./render-digest-card.js";
import { renderFollowUpCard } from "./render-follow-up-card.js";
import { renderOwnerMessageCard } from "./render-owner-message-card.js";
import { renderReviewFollowUpCard } from "./render-review-follow-up-card.js";
import { renderReviewRequestCard } from "./render-review-request-card.js";
import type { TeamsDelivery } from "./teams-delivery.js";

export interface TeamsRenderContext {
  /** The outbox id of the item: actions carry it as their message id. */
  messageId: number;
  /** The item's recipient: owner email or channel id. */
  recipient: string;
  now: Date;
  /** A sent owner message (its view and where it landed), for an update in place. */
  sentOwnerMessage(outboxId: number): { view: OwnerMessageView; ref: TeamsMessageRef };
}

type TeamsRenderers = {
  readonly [K in OutboxKind]: (view: OutboxViews[K], context: TeamsRenderContext) => TeamsDelivery;
};

/** One Teams renderer per kind of outbox message. */
export const TEAMS_RENDERERS: TeamsRenderers = {
  owner_message: (view, c) => ({
    post: renderOwnerMessageCard(view, { messageId: c.messageId, now: c.now }),
    to: { owner: c.recipient, directoryId: view.owner.directoryId },
  }),
  unowned: (view, c) => ({
    post: renderAdminAccountsCard(view, { messageId: c.messageId, now: c.now }),
    to: { channel: c.recipient },
  }),
  not_mine: (view, c) => ({
    post: renderAdminAccountsCard(view, { messageId: c.messageId, now: c.now }),
    to: { channel: c.recipient },
  }),
  digest: (view, c) => ({ post: renderDigestCard(view), to: { channel: c.recipient } }),
  alert: (view, c) => ({ post: renderAlertCard(view), to: { channel: c.recipient } }),
  reminder: (view) => {
    // A reminder goes into the owner's conversation, under the first message.
    if (view.replyTo?.platform !== "teams") throw new Error("the reminder's conversation is unknown");
    return { post: renderFollowUpCard("reminder", view), to: { conversationOf: view.replyTo } };
  },
  escalation: (view, c) => ({ post: renderFollowUpCard("escalation", view), to: { channel: c.recipient } }),
  review_request: (view, c) => ({
    post: renderReviewRequestCard(view, { messageId: c.messageId, now: c.now }),
    to: { owner: c.recipient, directoryId: view.owner.directoryId },
  }),
  review_follow_up: (view, c) => {
    // The escalation goes to the admin channel; a reminder or warning into the owner's conversation.
    if (view.stage === "escalation")
      return { post: renderReviewFollowUpCard(view), to: { channel: c.recipient } };
    if (view.replyTo?.platform !== "teams") throw new Error("the review message's conversation is unknown");
    return { post: renderReviewFollowUpCard(view), to: { conversationOf: view.replyTo } };
  },
  message_update: ({ outboxId }, c) => {
    // Re-render a sent owner card from its stored view, in place.
    const original = c.sentOwnerMessage(outboxId);
    return {
      update: renderOwnerMessageCard(original.view, { messageId: outboxId, now: c.now }),
      at: original.ref,
    };
  },
};

/** The Teams card for `message` and where it goes. */
export function renderOutboxMessage(message: OutboxMessage, context: TeamsRenderContext): TeamsDelivery {
  // TypeScript cannot relate the table's entry to the union member by kind; the table's type does.
  const render = TEAMS_RENDERERS[message.kind] as (
    view: OutboxMessage["view"],
    context: TeamsRenderContext,
  ) => TeamsDelivery;
  return render(message.view, context);
}
