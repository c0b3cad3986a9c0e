import type { KnownBlock } from "@slack/types";
import type { FollowUpView } from "../../notify/enqueue-follow-ups.js";
import { describeFollowUp } from "../../views/follow-up-text.js";
import { truncateText } from "../../views/truncate-text.js";

/** A reminder (a reply under the original message, whose buttons still work) or an escalation. */
export function renderFollowUpBlocks(
  kind: "reminder" | "escalation",
  view: FollowUpView,
): { text: string; blocks: KnownBlock[] } {
  const { headline, lines } = describeFollowUp(kind, view);
  const hint =
    kind === "reminder"
      ? "Use the buttons in the message above."
      : "An admin can act on them (`/warden lookup <account>`) or assign another owner.";
  return {
    text: headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${headline} ${hint}` } },
      // Section text is limited to 3,000 characters.
      {
        type: "section",
        text: { type: "mrkdwn", text: truncateText(lines.map((l) => `• ${l}`).join("\n"), 2900) },
      },
    ],
  };
}
