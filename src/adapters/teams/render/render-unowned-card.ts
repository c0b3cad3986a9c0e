import { assignOwnerControl } from "../../../actions/assign-owner.js";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { describeDecisionParts } from "../../../messages/describe-decision.js";
import { plural, RULE_TITLES } from "../../../messages/rule-text.js";
import { summariseRules } from "../../../messages/summarise-rules.js";
import { type AdaptiveCard, type CardElement, type Container, createCard } from "./adaptive-card.js";
import { cardInputId } from "./card-input-id.js";
import { cardRichText, withMentions } from "./card-rich-text.js";
import { cut, md, textBlock } from "./card-text.js";
import { fitAccountCardItems } from "./fit-account-card-items.js";
import { executeAction } from "./render-account-card-items.js";
import { type AccountCardOptions, decisionActors } from "./render-owner-message-card.js";

/** One unowned account: its risk summary, an email input and "Assign owner". */
function renderUnownedItem(account: OwnerAccountView, messageId: number | undefined): Container {
  const target = { s: account.source, id: account.accountId };
  const rules = [...new Set(account.findings.map((f) => RULE_TITLES[f.rule]))].join(", ");
  const findings = account.findings.slice(0, 3).map((f) => `• ${cut(f.summary, 200)}`);
  if (account.findings.length > 3) findings.push(`… and ${account.findings.length - 3} more findings`);
  const items: Container["items"] = [];
  if (account.decision)
    items.push(
      textBlock(cardRichText(describeDecisionParts(account.decision, account.sourceTitle)), {
        weight: "bolder",
      }),
    );
  items.push(
    textBlock(
      md`**${cut(account.userName, 100)}** (${cut(account.name, 80)}), risk ${Math.round(account.risk * 100)}%: ${rules || "no open finding"}`,
    ),
  );
  if (findings.length > 0) items.push(textBlock(findings.join("\n\n"), { spacing: "small" }));
  items.push(
    {
      type: "Input.Text",
      id: cardInputId("ownerEmail", target),
      label: "New owner's email",
      placeholder: "owner@example.com",
      style: "email",
      isRequired: true,
      errorMessage: "Enter the new owner's email address.",
    },
    {
      type: "ActionSet",
      actions: [
        executeAction(
          assignOwnerControl.title,
          assignOwnerControl.id,
          messageId === undefined ? target : { ...target, m: messageId },
        ),
      ],
    },
  );
  return { type: "Container", items, separator: true, spacing: "medium" };
}

/**
 * The admin channel's card of risky accounts with no reachable owner: each with its risk summary,
 * an email input (id "ownerEmail.<source>.<id>") and an Action.Execute `warden_assign_owner`.
 * `heading` replaces the title and intro (an access review's list says which review).
 */
export function renderUnownedCard(
  accounts: readonly OwnerAccountView[],
  options: AccountCardOptions,
  heading?: CardElement[],
): AdaptiveCard {
  if (accounts.length === 0) {
    return createCard([textBlock("Every risky machine identity has a reachable owner: nothing to assign.")]);
  }
  const count = plural(accounts.length, "risky machine identity", "risky machine identities");
  const card = createCard(
    heading ?? [
      textBlock("Machine identities with no reachable owner", { size: "large", weight: "bolder" }),
      textBlock(
        `${count} ${accounts.length === 1 ? "has" : "have"} no active owner with an email (${summariseRules(accounts)}). ` +
          "Enter an owner for each: warden will message them about it.",
      ),
    ],
  );
  const fitted = fitAccountCardItems(
    card,
    accounts,
    (a) => renderUnownedItem(a, options.messageId),
    options.maxAccounts,
  );
  return withMentions(fitted, decisionActors(accounts));
}
