import type { AlertView } from "../../../messages/build-alert.js";
import {
  alertDisplayName,
  alertOwner,
  alertRuleHeading,
  alertSourcePrefix,
  alertTitle,
} from "../../../messages/describe-alert.js";
import { timeAt } from "../../../messages/rich-text.js";
import { ADAPTIVE_CARD_LIMITS, type AdaptiveCard, createCard, jsonBytes } from "./adaptive-card.js";
import { cardRichText } from "./card-rich-text.js";
import { cut, listBlocks, md, textBlock } from "./card-text.js";

/**
 * An immediate alert for the admin channel as an Adaptive Card: a title, then per rule its count
 * and the first accounts (name, owner, the finding and its evidence), "… and N more" for the
 * rest. Every piece of data is escaped by `md` and the card helpers (card-text.ts).
 * Each rule gets a share of characters; when escapes and multi-byte text push the whole card over
 * Teams' byte budget, every rule gets a smaller share (fewer accounts, more in "… and N more").
 */
export function renderAlertCard(view: AlertView): AdaptiveCard {
  let card = renderWithShare(view, RULE_SHARES[0]);
  for (const share of RULE_SHARES.slice(1)) {
    if (jsonBytes(card) <= ADAPTIVE_CARD_LIMITS.maxBytes) break;
    card = renderWithShare(view, share);
  }
  return card;
}

/** Characters of account lines per rule, largest first. */
const RULE_SHARES = [2400, 1600, 1000, 600, 300] as const;

function renderWithShare(view: AlertView, maxChars: number): AdaptiveCard {
  const card = createCard([]);
  card.body.push(
    textBlock(`🚨 ${alertTitle(view)}`, { size: "large", weight: "bolder", color: "attention" }),
  );
  for (const group of view.rules) {
    const lines = group.accounts.map((a) => {
      const evidence = a.evidence.map((e) => md` — _${cut(e, 200)}_`);
      return md`${alertSourcePrefix(view, a)}**${cut(a.userName, 80)}**${alertDisplayName(a, 60)}, owner: ${cut(alertOwner(a), 100)}: ${cut(a.summary, 200)}${evidence[0] ?? ""}${evidence[1] ?? ""}`;
    });
    card.body.push(
      ...listBlocks(alertRuleHeading(group), lines, {
        maxLines: lines.length,
        maxChars,
        maxLineChars: Math.min(700, maxChars),
        total: group.total,
      }),
    );
  }
  card.body.push(
    textBlock(
      cardRichText([
        "Found by the scan of ",
        timeAt(view.generatedAt),
        '. Send "lookup <account>" to warden for an account; the digest lists every open finding. ALERT_RULES chooses the rules alerted.',
      ]),
      { isSubtle: true, size: "small", separator: true },
    ),
  );
  return card;
}
