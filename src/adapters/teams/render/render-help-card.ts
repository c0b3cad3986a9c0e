import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { fact, textBlock } from "./card-text.js";

/** The bot commands, as `help` shows them in Teams (sent as a message to warden). */
export const TEAMS_COMMANDS: readonly { usage: string; does: string }[] = [
  { usage: "lookup <account>", does: "one account: state, findings, owner, activity, decisions" },
  { usage: "mine", does: "your machine identities, riskiest first, with their actions" },
  { usage: "score", does: "the Machine Identity Security Score and what changed it" },
  { usage: "scan", does: "scan every source now (admins only)" },
  { usage: "help", does: "this list" },
];

/** `help`: what warden does and its commands. */
export function renderHelpCard(): AdaptiveCard {
  return createCard([
    textBlock("warden: machine identity security", { size: "large", weight: "bolder" }),
    textBlock(
      "warden finds the ServiceNow accounts used by machines, scores their risk and asks their owners " +
        "to Disable, Restrict, Keep (with a reason, for a limited time) or say Not mine.",
    ),
    textBlock("Commands (send them to warden; in a channel, mention @warden first)", { weight: "bolder" }),
    {
      type: "FactSet",
      facts: TEAMS_COMMANDS.map((c) => fact(c.usage, c.does)),
    },
  ]);
}
