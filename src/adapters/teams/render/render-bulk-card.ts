import { KEEP_DAYS } from "../../../actions/keep-duration.js";
import type { OwnerMessageView } from "../../../messages/build-owner-messages.js";
import { plural } from "../../../messages/rule-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import { bulkChoices } from "../../../remediation/bulk-choices.js";
import {
  ADAPTIVE_CARD_LIMITS,
  type AdaptiveCard,
  type CardElement,
  jsonBytes,
  type ShowCardAction,
} from "./adaptive-card.js";
import { textBlock } from "./card-text.js";
import { executeAction } from "./render-account-card-items.js";

/** The Execute verb of a bulk submission (and the Submit fallback's `bulk: true`). */
export const BULK_VERB = "warden_bulk";

/** Input ids of the bulk form; one form per card, so they need no account in them. */
export const BULK_INPUTS = {
  rules: "bulk.rules",
  accounts: "bulk.accounts",
  action: "bulk.action",
  reason: "bulk.reason",
  days: "bulk.expiresInDays",
} as const;

/**
 * The "Decide for several…" ShowCard of an owner card: every account of the message with a
 * finding to pick (Input.ChoiceSet isMultiSelect, by user name and findings), or whole findings
 * at once ("All 51 accounts: Dormant"), what to do (the registry's actions offered for at least
 * one of them), and Keep's reason and duration. Choice titles are plain text in Adaptive Cards
 * (no Markdown), so names go in as they are. `withAccounts: false` drops the per-account list, for
 * a card whose size budget has no room for it.
 */
export function renderBulkShowCard(
  view: OwnerMessageView,
  messageId: number,
  withAccounts = true,
): ShowCardAction | undefined {
  const choices = bulkChoices(view);
  if (choices.accounts.length < 2) return undefined;
  const body: CardElement[] = [
    textBlock(
      `Each account you pick is decided on its own, with the same checks as its buttons; warden replies with what was done and what was skipped.${choices.decided > 0 ? ` ${plural(choices.decided, "account")} already decided ${choices.decided === 1 ? "is" : "are"} not listed.` : ""}`,
      { size: "small" },
    ),
    {
      type: "Input.ChoiceSet",
      id: BULK_INPUTS.rules,
      label: "Every account with this finding",
      isMultiSelect: true,
      style: "expanded",
      choices: choices.groups.map((g) => ({
        title: `All ${plural(g.accounts.length, "account")}: ${g.title}`,
        value: g.rule,
      })),
    },
  ];
  if (withAccounts) {
    body.push({
      type: "Input.ChoiceSet",
      id: BULK_INPUTS.accounts,
      label: "Or these accounts",
      isMultiSelect: true,
      style: "compact",
      choices: choices.accounts.map(({ index, account }) => ({
        title: truncateText(
          `${account.userName}: ${[...new Set(account.findings.map((f) => f.rule))].map((r) => choices.groups.find((g) => g.rule === r)?.title ?? r).join(", ")}`,
          120,
        ),
        value: String(index),
      })),
    });
  }
  body.push({
    type: "Input.ChoiceSet",
    id: BULK_INPUTS.action,
    label: "What to do with them",
    style: "expanded",
    isRequired: true,
    errorMessage: "Choose what to do.",
    choices: choices.actions.map((a) => ({
      title:
        a.offeredFor === choices.accounts.length
          ? a.title
          : `${a.title} (offered for ${a.offeredFor} of ${choices.accounts.length})`,
      value: a.kind,
    })),
  });
  if (choices.actions.some((a) => a.asksReason)) {
    body.push(
      {
        type: "Input.Text",
        id: BULK_INPUTS.reason,
        label: "Why keep them? (needed for Keep)",
        isMultiline: true,
        maxLength: 500,
      },
      {
        type: "Input.ChoiceSet",
        id: BULK_INPUTS.days,
        label: "Keep for how long?",
        style: "compact",
        value: String(KEEP_DAYS.default),
        choices: KEEP_DAYS.choices.map((d) => ({ title: `${d} days`, value: String(d) })),
      },
    );
  }
  return {
    type: "Action.ShowCard",
    title: "Decide for several…",
    card: {
      type: "AdaptiveCard",
      body,
      actions: [executeAction("Apply", BULK_VERB, { bulk: true, m: messageId })],
    },
  };
}

/** Adds the bulk form to an owner card as its last action, in full or compact, when it fits. */
export function appendBulkShowCard(
  card: AdaptiveCard,
  view: OwnerMessageView,
  messageId: number,
): AdaptiveCard {
  for (const withAccounts of [true, false]) {
    const action = renderBulkShowCard(view, messageId, withAccounts);
    if (!action) return card;
    const next = { ...card, actions: [...(card.actions ?? []), action] };
    if (jsonBytes(next) <= ADAPTIVE_CARD_LIMITS.maxBytes) return next;
  }
  return card;
}
