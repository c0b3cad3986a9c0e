import type { OwnerAccountView } from "../../../messages/build-owner-messages.js";
import { plural } from "../../../messages/rule-text.js";
import { summariseRules } from "../../../messages/summarise-rules.js";
import { fitAccountBlocks } from "./fit-account-blocks.js";
import type { AccountListOptions } from "./render-owner-message-blocks.js";
import type { SlackText } from "./slack-blocks.js";
import { headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";

/**
 * The admin channel's list of risky accounts with no reachable owner: each with its risk summary
 * and a user picker (action_id `warden_assign_owner`, account in the block_id) to assign an owner.
 * Riskiest first; the rest become counts per rule.
 */
export function renderUnownedBlocks(
  accounts: readonly OwnerAccountView[],
  options: AccountListOptions,
  /** Another title and opening (an access review's list): its accounts need not be risky. */
  intro?: { header: string; text: SlackText; fallback: string } | undefined,
): SlackMessage {
  const count = plural(accounts.length, "risky machine identity", "risky machine identities");
  if (intro) {
    const head = [headerBlock(intro.header), sectionBlock(intro.text, 1000)];
    return slackMessage(intro.fallback, fitAccountBlocks(head, accounts, options, "unowned"));
  }
  if (accounts.length === 0) {
    return slackMessage("warden: every risky machine identity has a reachable owner", [
      sectionBlock("Every risky machine identity has a reachable owner: nothing to assign."),
    ]);
  }
  const head = [
    headerBlock("Machine identities with no reachable owner"),
    sectionBlock(
      `${count} ${accounts.length === 1 ? "has" : "have"} no active owner with an email (${summariseRules(accounts)}). ` +
        "Pick an owner for each: warden will message them about it.",
      1000,
    ),
  ];
  const blocks = fitAccountBlocks(head, accounts, options, "unowned");
  return slackMessage(`warden: ${count} with no reachable owner`, blocks);
}
