import type { types } from "@slack/bolt";
import type { ActionDefinition } from "../../../actions/action-definition.js";
import { encodeActionPayload } from "../../../actions/action-payload.js";
import {
  type ActionKind,
  actionOf,
  buttonsFor,
  recommendedActionOf,
} from "../../../actions/action-registry.js";
import { buildActionPayload } from "../../../actions/build-action-payload.js";
import type { AccountLink } from "../../../messages/account-link.js";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { confirmWithStake, describeAtStake } from "../../../messages/describe-at-stake.js";
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
import { truncateText } from "../../../messages/truncate-text.js";
import { isTicketNumber } from "../../../tickets/open-ticket.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { contextBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMrkdwn, slackRichText } from "./slack-rich-text.js";

/** ✅ fixed, 🟡 accepted until it expires, 🎫 a ticket is open, ❌ failed (Slack emoji names). */
const SLACK_MARKS: Record<DecisionMark, string> = {
  fixed: ":white_check_mark:",
  accepted: ":large_yellow_circle:",
  ticketed: ":ticket:",
  failed: ":x:",
};

/**
 * Characters of a confirmation's "In use now: …": the dialog's text counts towards the message's
 * text budget, and several accounts must fit in one message.
 */
const STAKE_CHARS = 110;

/** Characters for one account's findings: several accounts must fit in one message. */
const ACCOUNT_CHARS = 1400;
const FINDINGS_SHOWN = 4;
const EVIDENCE_SHOWN = 2;

/**
 * "*svc_x* (Integration user)" and its findings with evidence and the recommended fix, as plain
 * text with warden's mrkdwn formatting: `sectionBlock` escapes it.
 */
export function describeAccountMrkdwn(account: OwnerAccountView): string {
  const lines = [
    `*${truncateText(account.userName, 100)}* (${truncateText(account.name, 80)})${account.sourceTitle ? ` · ${account.sourceTitle}` : ""}${account.active ? "" : " inactive"}`,
  ];
  for (const finding of account.findings.slice(0, FINDINGS_SHOWN)) {
    lines.push(
      `• *${RULE_TITLES[finding.rule]}* [${finding.severity}]: ${truncateText(finding.summary, 200)}`,
    );
    const evidence = finding.evidence.slice(0, EVIDENCE_SHOWN).map((e) => truncateText(e.detail, 160));
    if (finding.evidence.length > EVIDENCE_SHOWN)
      evidence.push(`and ${finding.evidence.length - EVIDENCE_SHOWN} more`);
    if (evidence.length > 0) lines.push(`    _evidence:_ ${evidence.join("; ")}`);
    lines.push(`    _recommended:_ ${REMEDIATION_TEXT[finding.remediation]}`);
  }
  if (account.findings.length > FINDINGS_SHOWN) {
    lines.push(`… and ${account.findings.length - FINDINGS_SHOWN} more findings (\`/warden lookup\`)`);
  }
  return truncateText(lines.join("\n"), ACCOUNT_CHARS);
}

/** What a change would touch, in the source's words (authentication and calls; sign-ins and credentials). */
export function describeImpact(account: OwnerAccountView): string[] {
  return usageOf(account).map((fact) => `*${fact.label}:* ${truncateText(fact.value, 360)}`);
}

/**
 * "<https://…|Open in Entra admin center>" as its own context element (mrkdwn link syntax:
 * https://docs.slack.dev/messaging/formatting-message-text#linking-urls). The URL's ids are
 * percent-encoded by accountLink; one read back from an older message is checked again here, so
 * no `|`, `<` or `>` can end the link early. Undefined for anything but an http(s) URL (http only
 * where the instance itself is reached over http: a test or a laptop).
 */
function slackLink(link: AccountLink): types.MrkdwnElement | undefined {
  if (!/^https?:\/\/[^\s<>|]+$/.test(link.url)) return undefined;
  // The title is escaped too: a ticket number comes from the instance (checked when it was opened).
  return { type: "mrkdwn", text: `<${link.url}|${escapeMrkdwn(link.title, 100)}>`, verbatim: true };
}

/** One button whose value is the encoded payload; undefined when the payload would not fit. */
function button(
  action: ActionDefinition<ActionKind>,
  account: OwnerAccountView,
  messageId: number | undefined,
  decisionId?: number,
  recommended = false,
): types.Button | undefined {
  const value = encodeActionPayload(buildActionPayload(action.kind, account, messageId, decisionId));
  // An id too long for a button value cannot be acted on from chat; lookup still shows the account.
  if (value.length > L.buttonValue) return undefined;
  const result: types.Button = {
    type: "button",
    action_id: action.id,
    text: { type: "plain_text", text: action.title },
    value,
  };
  // https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object
  const name = truncateText(account.userName, 60);
  const confirmation = confirmationOf(action, account, name);
  if (confirmation) {
    const danger = action.style === "danger";
    // A destructive action says what stops working, from what the scan saw the account do (not
    // in ticket mode: the click only asks for the change).
    const text =
      danger && !confirmation.opensTicket
        ? confirmWithStake(
            confirmation.text,
            truncateText(describeAtStake(account), STAKE_CHARS),
            L.confirmText,
          )
        : truncateText(confirmation.text, L.confirmText);
    result.confirm = {
      title: { type: "plain_text", text: truncateText(`${action.title} ${name}?`, L.confirmTitle) },
      text: { type: "plain_text", text },
      confirm: { type: "plain_text", text: action.title },
      deny: { type: "plain_text", text: "Cancel" },
      // The dialog's confirm button red: it stays marked dangerous when the button itself is the
      // account's (green) recommended fix.
      ...(danger ? { style: "danger" as const } : {}),
    };
  }
  // One button per account is the recommended fix ("primary"); other destructive ones are red.
  if (recommended) result.style = "primary";
  else if (action.style) result.style = action.style;
  return result;
}

/**
 * The blocks for one account in an owner message: findings with evidence (section), what a change
 * would touch (context), then either the buttons or the decision's outcome line and, while its
 * window is open, an Undo button. Three blocks at most, so a message holds many accounts. A
 * superseded message shows no action buttons: they live in the newer message.
 */
export function renderAccountBlocks(
  account: OwnerAccountView,
  options: { messageId?: number | undefined; now: Date; superseded?: boolean | undefined },
): types.KnownBlock[] {
  const decision = account.decision;
  const outcome: (string | SlackMrkdwn)[] = [];
  if (decision) {
    const icon = SLACK_MARKS[decisionMark(decision)];
    // The outcome leads: it is what changed since the owner last read this message. Its times are
    // `<!date>` tokens (each reader's own time zone) and the person who acted a mention.
    outcome.push(`${icon} *`, slackRichText(describeDecisionParts(decision, account.sourceTitle)), "*");
    if (isUndoOpen(decision, options.now) && decision.undoUntil)
      outcome.push(slackRichText([" Undo possible until ", timeAt(decision.undoUntil), "."]));
    outcome.push("\n");
  }
  const impact = contextBlock(describeImpact(account), 700);
  const link = account.link && slackLink(account.link);
  if (link && impact.type === "context") impact.elements.push(link);
  // The ticket a ticket-mode decision opened, where the owner can follow it.
  const ticket =
    decision?.ticket &&
    isTicketNumber(decision.ticket.number) &&
    slackLink({ title: `Open ${decision.ticket.number}`, url: decision.ticket.url });
  if (ticket && impact.type === "context") impact.elements.unshift(ticket);
  // In an access review: its latest certification, which this review renews or not.
  const certified = account.certified
    ? ["\n_", slackRichText(describeCertifiedParts(account.certified)), "_"]
    : [];
  const blocks: types.KnownBlock[] = [
    sectionBlock([...outcome, describeAccountMrkdwn(account), ...certified]),
    impact,
  ];

  const elements: types.Button[] = [];
  if (showsActionButtons(account) && !options.superseded) {
    const recommended = recommendedActionOf(account);
    for (const action of buttonsFor(account)) {
      const b = button(action, account, options.messageId, undefined, action.kind === recommended);
      if (b) elements.push(b);
    }
  }
  if (decision && isUndoOpen(decision, options.now)) {
    const b = button(actionOf("undo"), account, options.messageId, decision.decisionId);
    if (b) elements.push(b);
  }
  if (elements.length > 0) blocks.push({ type: "actions", elements });
  return blocks;
}
