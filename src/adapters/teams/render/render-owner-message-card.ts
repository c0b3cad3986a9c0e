import type { OwnerAccountView, OwnerMessageView } from "../../../messages/build-owner-messages.js";
import { describeOwnerIntro, describeSupersededParts } from "../../../messages/describe-owner-message.js";
import type { PersonRef } from "../../../messages/rich-text.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText, withMentions } from "./card-rich-text.js";
import { textBlock } from "./card-text.js";
import { fitAccountCardItems } from "./fit-account-card-items.js";
import { renderAccountCardItems } from "./render-account-card-items.js";
import { appendBulkShowCard } from "./render-bulk-card.js";

/** Options shared by the owner and admin cards. */
export interface AccountCardOptions {
  /** Outbox id of the message, carried in every action so a second click is recognised. */
  messageId?: number | undefined;
  /** Decides whether Undo is still offered. */
  now: Date;
  /** At most this many accounts in full (default 10); fewer when the size budget is reached. */
  maxAccounts?: number | undefined;
  /** A newer message replaced this one: no action buttons (an Undo still open stays). */
  superseded?: boolean | undefined;
}

/**
 * One Teams message for one owner: the riskiest accounts first with findings, evidence, what a
 * change would touch and the actions; the rest summarised so the card stays under 28 KB.
 */
export function renderOwnerMessageCard(message: OwnerMessageView, options: AccountCardOptions): AdaptiveCard {
  const superseded = describeSupersededParts(message);
  const card = createCard([
    textBlock("Machine identities that need your attention", { size: "large", weight: "bolder" }),
    // A superseded message says so first: the owner acts from the newer one.
    ...(superseded
      ? [textBlock(cardRichText(["⬇️ ", ...superseded]), { weight: "bolder", color: "attention" })]
      : []),
    textBlock(describeOwnerIntro(message)),
  ]);
  const render = { ...options, superseded: !!superseded };
  const fitted = fitAccountCardItems(
    card,
    message.accounts,
    (account) => renderAccountCardItems(account, render),
    options.maxAccounts,
  );
  // "Decide for several…" (render-bulk-card.ts) over every account of the message, last.
  const full =
    superseded || options.messageId === undefined
      ? fitted
      : appendBulkShowCard(fitted, message, options.messageId);
  return withMentions(full, decisionActors(message.accounts));
}

/** Who acted on the accounts, as the decision lines name them: the people a card may mention. */
export function decisionActors(accounts: readonly OwnerAccountView[]): PersonRef[] {
  return accounts.flatMap((a) =>
    a.decision?.actorRef
      ? [{ display: a.decision.actor, platform: a.decision.actorRef.platform, id: a.decision.actorRef.id }]
      : [],
  );
}
