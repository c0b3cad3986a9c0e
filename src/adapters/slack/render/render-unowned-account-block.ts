import type { types } from "@slack/bolt";
import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { describeDecisionParts } from "../../../messages/describe-decision.js";
import { RULE_TITLES } from "../../../messages/rule-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import { ASSIGN_OWNER_ACTION_ID, assignOwnerBlockId } from "./assign-owner-block-id.js";
import { sectionBlock } from "./slack-blocks.js";
import { slackRichText } from "./slack-rich-text.js";

/**
 * One unowned account for the admin channel: its risk summary (rules with severity and the first
 * findings) in a section whose accessory is a user picker to assign an owner.
 */
export function renderUnownedAccountBlock(
  account: OwnerAccountView,
  options: { messageId?: number | undefined },
): types.KnownBlock[] {
  const rules = [...new Set(account.findings.map((f) => RULE_TITLES[f.rule]))].join(", ");
  const lines = [
    `*${truncateText(account.userName, 100)}* (${truncateText(account.name, 80)}), risk ${Math.round(account.risk * 100)}%: ${rules || "no open finding"}`,
    ...account.findings.slice(0, 3).map((f) => `• ${truncateText(f.summary, 200)}`),
  ];
  if (account.findings.length > 3) lines.push(`… and ${account.findings.length - 3} more findings`);
  // A decision leads, its time in each reader's time zone and the admin who acted mentioned.
  const decision = account.decision
    ? [
        ":white_check_mark: *",
        slackRichText(describeDecisionParts(account.decision, account.sourceTitle)),
        "*\n",
      ]
    : [];
  const block: types.SectionBlock = {
    ...(sectionBlock([...decision, lines.join("\n")], 1200) as types.SectionBlock),
  };
  const blockId = assignOwnerBlockId({ s: account.source, id: account.accountId, m: options.messageId });
  if (blockId) {
    block.block_id = blockId;
    block.accessory = {
      type: "users_select",
      action_id: ASSIGN_OWNER_ACTION_ID,
      placeholder: { type: "plain_text", text: "Assign an owner" },
    };
  }
  return [block];
}
