import { headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";

/** The slash commands, as `/warden help` shows them. */
export const SLACK_COMMANDS: readonly { usage: string; does: string }[] = [
  {
    usage: "/warden lookup <account>",
    does: "one account: state, findings, owner, activity, decisions (only you see it)",
  },
  {
    usage: "/warden mine",
    does: "your machine identities, riskiest first, with their actions (only you see it; all of them in warden's Home tab)",
  },
  { usage: "/warden score", does: "the Machine Identity Security Score and what changed it" },
  { usage: "/warden scan", does: "scan every source now (admins only)" },
  { usage: "/warden help", does: "this list" },
];

/** `/warden help`: what warden does and its commands. */
export function renderHelpBlocks(): SlackMessage {
  const lines = SLACK_COMMANDS.map((c) => `• \`${c.usage}\`: ${c.does}`);
  return slackMessage(
    "warden commands: /warden lookup <account>, /warden mine, /warden score, /warden scan, /warden help",
    [
      headerBlock("warden: machine identity security"),
      sectionBlock(
        "warden finds the ServiceNow accounts used by machines, scores their risk and asks their owners " +
          "to Disable, Restrict, Keep (with a reason, for a limited time) or say Not mine.",
      ),
      sectionBlock(`*Commands*\n${lines.join("\n")}`),
    ],
  );
}
