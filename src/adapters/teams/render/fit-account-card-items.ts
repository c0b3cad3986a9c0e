import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { plural } from "../../../messages/rule-text.js";
import { summariseRules } from "../../../messages/summarise-rules.js";
import { uniqueAccounts } from "../../../messages/unique-accounts.js";
import { ADAPTIVE_CARD_LIMITS, type AdaptiveCard, type CardElement, jsonBytes } from "./adaptive-card.js";
import { textBlock } from "./card-text.js";

/** Room kept for the closing summary. */
const TAIL_BYTES = 1024;

/**
 * Appends one item per account to `card.body` while they fit: `maxAccounts` (default 10) and the
 * card's byte budget. The accounts left out become counts per rule and a `lookup` hint.
 */
export function fitAccountCardItems(
  card: AdaptiveCard,
  allAccounts: readonly OwnerAccountView[],
  render: (account: OwnerAccountView) => CardElement,
  maxAccounts = 10,
): AdaptiveCard {
  const accounts = uniqueAccounts(allAccounts);
  // Each item adds its own JSON plus a comma; summing avoids re-serialising the card each time.
  let bytes = jsonBytes(card);
  let shown = 0;
  for (const account of accounts) {
    if (shown >= Math.max(0, maxAccounts)) break;
    const item = render(account);
    const size = jsonBytes(item) + 1;
    if (bytes + size > ADAPTIVE_CARD_LIMITS.maxBytes - TAIL_BYTES) break;
    card.body.push(item);
    bytes += size;
    shown += 1;
  }
  const rest = accounts.slice(shown);
  if (rest.length > 0) {
    const rules = summariseRules(rest);
    card.body.push(
      textBlock(
        `… and ${plural(rest.length, "more account")}${rules ? ` (${rules})` : ""}. ` +
          "Send `lookup <account>` to warden for the others.",
        { separator: true, spacing: "medium" },
      ),
    );
  }
  return card;
}
