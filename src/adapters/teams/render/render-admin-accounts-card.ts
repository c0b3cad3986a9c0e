import { describeDisowned } from "../../../messages/describe-disowned.js";
import { describeReroute } from "../../../messages/describe-reroute.js";
import type { AdminAccountsView } from "../../../notify/outbox-message.js";
import type { AdaptiveCard } from "./adaptive-card.js";
import { cut, textBlock } from "./card-text.js";
import { renderUnownedCard } from "./render-unowned-card.js";

/**
 * The admin channel's card of accounts. Accounts rerouted from an owner warden could not reach
 * (say so, and why), or disowned with "Not mine" (who, when, whose it was): the notice goes under
 * the title, escaped by textBlock.
 */
export function renderAdminAccountsCard(
  view: AdminAccountsView,
  options: { messageId: number; now: Date },
): AdaptiveCard {
  const card = renderUnownedCard(view.accounts, options);
  const notice = describeReroute(view) ?? describeDisowned(view);
  if (notice) card.body.splice(1, 0, textBlock(`ℹ️ ${cut(notice, 900)}`, { weight: "bolder" }));
  return card;
}
