import type { KnownBlock } from "@slack/types";
import type { FollowUpView } from "../../notify/enqueue-follow-ups.js";
import { formatDay } from "../../views/format-text.js";
import { RULE_TITLES } from "../../views/rule-text.js";
import { truncateText } from "../../views/truncate-text.js";

const MAX_LISTED = 20;

function accountLines(view: FollowUpView): string {
  const lines = view.accounts
    .slice(0, MAX_LISTED)
    .map((a) => `• *${a.userName}*: ${a.findings.map((f) => RULE_TITLES[f.rule]).join(", ")}`);
  if (view.accounts.length > MAX_LISTED) lines.push(`… and ${view.accounts.length - MAX_LISTED} more`);
  // Section text is limited to 3,000 characters.
  return truncateText(lines.join("\n"), 2900);
}

/** The one reminder, posted as a reply under the original message (its buttons still work). */
export function renderReminderBlocks(view: FollowUpView): { text: string; blocks: KnownBlock[] } {
  const text = `Reminder: ${view.accounts.length} machine identit${view.accounts.length === 1 ? "y still needs" : "ies still need"} your decision (asked on ${formatDay(view.sentAt)}).`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${text} Use the buttons in the message above.` } },
      { type: "section", text: { type: "mrkdwn", text: accountLines(view) } },
    ],
  };
}

/** To the admin channel: the owner has not answered for a week. */
export function renderEscalationBlocks(view: FollowUpView): { text: string; blocks: KnownBlock[] } {
  const text = `${view.ownerEmail} has not answered since ${formatDay(view.sentAt)} about ${view.accounts.length} risky machine identit${view.accounts.length === 1 ? "y" : "ies"}.`;
  return {
    text: `Escalation: ${text}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Owner has not answered" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `${text} An admin can act on them with \`/warden lookup <account>\`, or assign another owner.`,
        },
      },
      { type: "section", text: { type: "mrkdwn", text: accountLines(view) } },
    ],
  };
}
