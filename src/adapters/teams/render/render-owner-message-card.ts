import type { OwnerMessageView } from "../../../views/build-owner-messages.js";
import { plural } from "../../../views/rule-text.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cut, textBlock } from "./card-text.js";
import { fitAccountCardItems } from "./fit-account-card-items.js";
import { renderAccountCardItems } from "./render-account-card-items.js";

/** Options shared by the owner and admin cards. */
export interface AccountCardOptions {
  /** Outbox id of the message, carried in every action so a second click is recognised. */
  messageId?: number | undefined;
  /** Decides whether Undo is still offered. */
  now: Date;
  /** At most this many accounts in full (default 10); fewer when the size budget is reached. */
  maxAccounts?: number | undefined;
}

/**
 * One Teams message for one owner: the riskiest accounts first with findings, evidence, what a
 * change would touch and the actions; the rest summarised so the card stays under 28 KB.
 */
export function renderOwnerMessageCard(message: OwnerMessageView, options: AccountCardOptions): AdaptiveCard {
  const count = message.accounts.length;
  const card = createCard([
    textBlock("Machine identities that need your attention", { size: "large", weight: "bolder" }),
    textBlock(
      `Hi ${cut(message.owner.name, 100)}, you own ${plural(count, "machine identity", "machine identities")} that ${count === 1 ? "needs" : "need"} your attention, riskiest first. Each button acts on that account only.`,
    ),
  ]);
  return fitAccountCardItems(
    card,
    message.accounts,
    (account) => renderAccountCardItems(account, options),
    options.maxAccounts,
  );
}
