import {
  type ActionKind,
  actionOf,
  buttonsFor,
  recommendedActionOf,
} from "../../../actions/action-registry.js";
import { buildActionPayload } from "../../../actions/build-action-payload.js";
import { KEEP_DAYS } from "../../../actions/keep-duration.js";
import { adviceLinkFor } from "../../../messages/advice-link-for.js";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { describeAtStake } from "../../../messages/describe-at-stake.js";
import {
  type DecisionMark,
  decisionMark,
  describeDecisionParts,
  isUndoOpen,
  showsActionButtons,
} from "../../../messages/describe-decision.js";
import { describeCertifiedParts } from "../../../messages/describe-review-message.js";
import { usageOf } from "../../../messages/describe-usage.js";
import { timeAt } from "../../../messages/rich-text.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../../messages/rule-text.js";
import { confirmationOf } from "../../../messages/ticket-confirm-text.js";
import { isTicketNumber } from "../../../tickets/open-ticket.js";
import type { CardAction, CardElement, Container, ExecuteAction } from "./adaptive-card.js";
import { cardInputId } from "./card-input-id.js";
import { cardRichText } from "./card-rich-text.js";
import { type CardMarkdown, cardLink, cut, joinMarkdown, md, textBlock } from "./card-text.js";

/**
 * ✅ fixed (green), 🟡 accepted until it expires (amber), 🎫 a ticket is open (accent), ❌ failed
 * (red): a Keep or an open ticket is not a fix.
 */
const TEAMS_MARKS: Record<
  DecisionMark,
  { icon: string; color: "good" | "warning" | "attention" | "accent" }
> = {
  fixed: { icon: "✅", color: "good" },
  accepted: { icon: "🟡", color: "warning" },
  ticketed: { icon: "🎫", color: "accent" },
  failed: { icon: "❌", color: "attention" },
};

const FINDINGS_SHOWN = 4;
const EVIDENCE_SHOWN = 2;

/** An Action.Execute with the Action.Submit fallback older Teams clients need (chat.md §9). */
export function executeAction(title: string, verb: string, data: ExecuteAction["data"]): ExecuteAction {
  return { type: "Action.Execute", title, verb, data, fallback: { type: "Action.Submit", title, data } };
}

/** The account's findings with evidence and the recommended fix, as card text. */
function describeAccount(account: OwnerAccountView): CardElement[] {
  const lines: CardMarkdown[] = [];
  const advice = adviceLinkFor(account);
  for (const finding of account.findings.slice(0, FINDINGS_SHOWN)) {
    const evidence = finding.evidence.slice(0, EVIDENCE_SHOWN).map((e) => cut(e.detail, 160));
    if (finding.evidence.length > EVIDENCE_SHOWN)
      evidence.push(`and ${finding.evidence.length - EVIDENCE_SHOWN} more`);
    const shown = evidence.length > 0 ? md`\n\n    _evidence:_ ${evidence.join("; ")}` : "";
    lines.push(
      md`• **${RULE_TITLES[finding.rule]}** [${finding.severity}]: ${cut(finding.summary, 200)}${shown}\n\n    _recommended:_ ${REMEDIATION_TEXT[finding.remediation]}`,
    );
  }
  if (account.findings.length > FINDINGS_SHOWN) {
    lines.push(
      md`… and ${account.findings.length - FINDINGS_SHOWN} more findings (send \`lookup ${cut(account.userName, 60)}\`)`,
    );
  }
  return [
    textBlock(
      md`**${cut(account.userName, 100)}** (${cut(account.name, 80)})${account.sourceTitle ? ` · ${account.sourceTitle}` : ""}${account.active ? "" : " inactive"}`,
      {
        weight: "bolder",
      },
    ),
    textBlock(joinMarkdown(lines, "\n\n"), { spacing: "small" }),
    textBlock(
      joinMarkdown(
        usageOf(account).map((fact) => md`${fact.label}: ${cut(fact.value, 360)}`),
        "\n\n",
      ),
      { isSubtle: true, size: "small", spacing: "small" },
    ),
    // In an access review: its latest certification, which this review renews or not.
    ...(account.certified
      ? [
          textBlock(cardRichText(describeCertifiedParts(account.certified)), {
            isSubtle: true,
            size: "small",
            spacing: "small",
          }),
        ]
      : []),
    ...(account.link
      ? [textBlock(cardLink(account.link.title, account.link.url), { size: "small", spacing: "small" })]
      : []),
    // What to do where no button does it, and where the source says how.
    ...(advice ? [textBlock(cardLink(advice.title, advice.url), { size: "small", spacing: "small" })] : []),
  ];
}

/**
 * Still needed… in an access review: a ShowCard asking what still uses the account (required; the
 * core refuses an empty one too, whatever the client sent), and the button that certifies it.
 */
function certifyShowCard(account: OwnerAccountView, data: ExecuteAction["data"]): CardAction {
  const action = actionOf("certify");
  return {
    type: "Action.ShowCard",
    title: action.title,
    card: {
      type: "AdaptiveCard",
      body: [
        textBlock(
          "Your answer and reason go into the access review's evidence, with your name; the account is not changed.",
        ),
        {
          type: "Input.Text",
          id: cardInputId("reason", { s: account.source, id: account.accountId }),
          label: "What still uses it, and why?",
          isRequired: true,
          isMultiline: true,
          maxLength: 500,
          errorMessage: "Say what still uses this account.",
        },
      ],
      actions: [executeAction(action.title.replace(/…$/, ""), action.id, data)],
    },
  };
}

/** The buttons for one account: ShowCards that confirm Disable/Restrict and ask Keep's reason. */
function accountActions(account: OwnerAccountView, messageId: number | undefined): CardAction[] {
  const payload = (kind: ActionKind) => buildActionPayload(kind, account, messageId);
  const target = { s: account.source, id: account.accountId };
  const recommended = recommendedActionOf(account);
  return buttonsFor(account).map((action): CardAction => {
    const danger = action.style === "danger";
    // The recommended fix "positive"; other destructive buttons red (the confirming button stays red).
    const style =
      action.kind === recommended
        ? { style: "positive" as const }
        : danger
          ? { style: "destructive" as const }
          : {};
    const confirmation = confirmationOf(action, account, cut(account.userName, 100));
    if (confirmation) {
      // Adaptive Cards 1.5 has no confirm dialog: the ShowCard is the "are you sure?" step. A
      // destructive one says what uses the account now, from what the scan saw.
      const stake = danger && !confirmation.opensTicket ? describeAtStake(account) : "";
      return {
        type: "Action.ShowCard",
        title: `${action.title}…`,
        ...style,
        card: {
          type: "AdaptiveCard",
          // The stake is short: the card lists the account's usage in full, and a card's bytes are few.
          body: [textBlock(`${confirmation.text}${stake ? ` ${cut(stake, 110)}` : ""}`)],
          actions: [
            {
              ...executeAction(action.title, action.id, payload(action.kind)),
              ...(action.style === "danger" ? { style: "destructive" as const } : {}),
            },
          ],
        },
      };
    }
    if (!action.asksReason)
      return { ...executeAction(action.title, action.id, payload(action.kind)), ...style };
    if (action.kind === "certify") return certifyShowCard(account, payload(action.kind));
    // Keep, the one action that asks why and for how long.
    return {
      type: "Action.ShowCard",
      title: action.title,
      card: {
        type: "AdaptiveCard",
        body: [
          textBlock(
            "warden stops reporting this account until the acceptance expires; then the finding comes back.",
          ),
          {
            type: "Input.Text",
            id: cardInputId("reason", target),
            label: "Why keep it?",
            isRequired: true,
            isMultiline: true,
            maxLength: 500,
            errorMessage: "Say why the risk is acceptable.",
          },
          {
            type: "Input.ChoiceSet",
            id: cardInputId("expiresInDays", target),
            label: "For how long?",
            style: "compact",
            value: String(KEEP_DAYS.default),
            isRequired: true,
            errorMessage: "Choose how long to keep it.",
            choices: KEEP_DAYS.choices.map((d) => ({ title: `${d} days`, value: String(d) })),
          },
        ],
        actions: [executeAction("Keep", action.id, payload(action.kind))],
      },
    };
  });
}

/**
 * One account of an owner message: findings with evidence, what a change would touch, and the
 * buttons, or the decision's outcome and (while its window is open) Undo.
 */
export function renderAccountCardItems(
  account: OwnerAccountView,
  options: { messageId?: number | undefined; now: Date; superseded?: boolean | undefined },
): Container {
  const items: CardElement[] = [];
  const decision = account.decision;
  if (decision) {
    // Times as DATE/TIME functions (each reader's own time zone), the person who acted mentioned.
    const undo =
      isUndoOpen(decision, options.now) && decision.undoUntil
        ? [" Undo possible until ", timeAt(decision.undoUntil), "."]
        : [];
    const mark = TEAMS_MARKS[decisionMark(decision)];
    items.push(
      textBlock(
        cardRichText([`${mark.icon} `, ...describeDecisionParts(decision, account.sourceTitle), ...undo]),
        { weight: "bolder", color: mark.color },
      ),
    );
    // The ticket a ticket-mode decision opened, where the owner can follow it (cardLink escapes).
    if (decision.ticket && isTicketNumber(decision.ticket.number)) {
      items.push(
        textBlock(cardLink(`Open ${decision.ticket.number}`, decision.ticket.url), {
          size: "small",
          spacing: "small",
        }),
      );
    }
  }
  items.push(...describeAccount(account));
  // A superseded message shows no action buttons: they live in the newer message.
  const actions =
    showsActionButtons(account) && !options.superseded ? accountActions(account, options.messageId) : [];
  if (decision && isUndoOpen(decision, options.now)) {
    actions.push(
      executeAction(
        actionOf("undo").title,
        actionOf("undo").id,
        buildActionPayload("undo", account, options.messageId, decision.decisionId),
      ),
    );
  }
  if (actions.length > 0) items.push({ type: "ActionSet", actions });
  return { type: "Container", items, separator: true, spacing: "medium" };
}
