import { describeFollowUp } from "../../messages/follow-up-text.js";
import type { FollowUpView } from "../../notify/enqueue-follow-ups.js";
import { sectionBlock } from "./render/slack-blocks.js";
import { type SlackMessage, slackMessage } from "./render/slack-message.js";
import { slackRichText } from "./render/slack-rich-text.js";

/** A reminder (a reply under the original message, whose buttons still work) or an escalation. */
export function renderFollowUpBlocks(kind: "reminder" | "escalation", view: FollowUpView): SlackMessage {
  const { headline, headlineParts, lines } = describeFollowUp(kind, view);
  const hint =
    kind === "reminder"
      ? "Use the buttons in the message above."
      : "An admin can act on them (`/warden lookup <account>`) or assign another owner.";
  return slackMessage(headline, [
    // The day as a date token; in an escalation the owner mentioned, so the admins can reach them.
    sectionBlock([slackRichText(headlineParts), ` ${hint}`]),
    sectionBlock(lines.map((l) => `• ${l}`).join("\n"), 2900),
  ]);
}
