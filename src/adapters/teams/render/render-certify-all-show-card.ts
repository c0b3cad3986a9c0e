import { actionOf } from "../../../actions/action-registry.js";
import type { ReviewMessageView } from "../../../messages/review-message-view.js";
import { plural } from "../../../messages/rule-text.js";
import { bulkChoices } from "../../../remediation/bulk-choices.js";
import { ADAPTIVE_CARD_LIMITS, type AdaptiveCard, jsonBytes, type ShowCardAction } from "./adaptive-card.js";
import { textBlock } from "./card-text.js";
import { executeAction } from "./render-account-card-items.js";
import { BULK_INPUTS, BULK_VERB } from "./render-bulk-card.js";

/**
 * An access review card's "Still needed for all…": one reason for every account still unanswered
 * when the card was drawn, sent as a bulk form (BULK_VERB, action certify, those accounts' indices
 * in the message), so each account is certified on its own through the action handler, and one
 * answered since is skipped with why. Undefined below two unanswered accounts.
 */
export function renderCertifyAllShowCard(
  view: ReviewMessageView,
  messageId: number,
): ShowCardAction | undefined {
  const open = bulkChoices(view).accounts.filter(({ account }) => account.actions.includes("certify"));
  if (open.length < 2) return undefined;
  const title = actionOf("certify").title.replace(/…$/, "");
  return {
    type: "Action.ShowCard",
    title: `${title} for all…`,
    card: {
      type: "AdaptiveCard",
      body: [
        textBlock(
          `Certifies the ${plural(open.length, "account")} not answered yet with one reason, each on its own; warden replies with what was done and what was skipped.`,
          { size: "small" },
        ),
        {
          type: "Input.Text",
          id: BULK_INPUTS.reason,
          label: "What still uses them, and why?",
          isRequired: true,
          isMultiline: true,
          maxLength: 500,
          errorMessage: "Say what still uses these accounts.",
        },
      ],
      actions: [
        executeAction(`${title} for all`, BULK_VERB, {
          bulk: true,
          m: messageId,
          "bulk.action": "certify",
          "bulk.accounts": open.map(({ index }) => String(index)).join(","),
        }),
      ],
    },
  };
}

/** Adds "Still needed for all…" to a review card as its last action, when it applies and fits. */
export function appendCertifyAllShowCard(
  card: AdaptiveCard,
  view: ReviewMessageView,
  messageId: number,
): AdaptiveCard {
  const action = renderCertifyAllShowCard(view, messageId);
  if (!action) return card;
  const next = { ...card, actions: [...(card.actions ?? []), action] };
  return jsonBytes(next) <= ADAPTIVE_CARD_LIMITS.maxBytes ? next : card;
}
