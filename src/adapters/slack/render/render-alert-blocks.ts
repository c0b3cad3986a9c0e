import type { types } from "@slack/bolt";
import type { AlertView } from "../../../messages/build-alert.js";
import {
  alertDisplayName,
  alertOwner,
  alertRuleHeading,
  alertSourcePrefix,
  alertSummary,
  alertTitle,
} from "../../../messages/describe-alert.js";
import { timeAt } from "../../../messages/rich-text.js";
import { truncateText as ec } from "../../../messages/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { contextBlock, headerBlock, listText, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/** Room left for the rule sections once the header and context blocks are counted. */
const RULE_TEXT_BUDGET = L.totalText - 1500;

/**
 * An immediate alert for the admin channel: a header, then one section per rule with its count
 * and the first accounts (name, owner, the finding and its evidence), "… and N more" for the
 * rest. Each rule's section gets an equal share of the message's text budget, so the message
 * stays within Block Kit limits however many rules and accounts there are. Data goes in as it is:
 * mrkdwnText escapes it (slack-blocks.ts).
 */
export function renderAlertBlocks(view: AlertView): SlackMessage {
  const blocks: types.KnownBlock[] = [headerBlock(`:rotating_light: ${alertTitle(view)}`)];
  const share = Math.min(L.sectionText, Math.floor(RULE_TEXT_BUDGET / Math.max(1, view.rules.length)));
  for (const group of view.rules) {
    const lines = group.accounts.map((a) => {
      // Not in _italics_: an underscore in the data (snc_platform_rest_api_access) would end them.
      const evidence = a.evidence.map((e) => `\n      ↳ ${ec(e, 200)}`).join("");
      return `${alertSourcePrefix(view, a)}*${ec(a.userName, 80)}*${alertDisplayName(a, 60)}, owner: ${ec(alertOwner(a), 100)}: ${ec(a.summary, 200)}${evidence}`;
    });
    blocks.push(
      sectionBlock(
        listText(`*${alertRuleHeading(group)}*`, lines, {
          maxLines: lines.length,
          maxChars: share,
          maxLineChars: 700,
          total: group.total,
        }),
      ),
    );
  }
  blocks.push(
    contextBlock([
      [
        "Found by the scan of ",
        slackRichText([timeAt(view.generatedAt)]),
        ". `/warden lookup <account>` shows an account; the digest lists every open finding. ALERT_RULES chooses the rules alerted.",
      ],
    ]),
  );
  return slackMessage(alertSummary(view), blocks);
}
