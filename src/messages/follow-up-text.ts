import type { FollowUpView } from "../notify/enqueue-follow-ups.js";
import { dayOf, person, plainRichText, type RichText } from "./rich-text.js";
import { RULE_TITLES } from "./rule-text.js";

const MAX_LISTED = 20;

/**
 * The words of a reminder or an escalation, shared by every chat platform: the headline as parts
 * (the day in the reader's time zone, the owner mentioned in an escalation where their chat user
 * is known) and as plain text (notification previews, the terminal).
 */
export function describeFollowUp(
  kind: "reminder" | "escalation",
  view: FollowUpView,
): { headline: string; headlineParts: RichText; lines: string[] } {
  const n = view.accounts.length;
  const lines = view.accounts
    .slice(0, MAX_LISTED)
    .map((a) => `${a.userName}: ${a.findings.map((f) => RULE_TITLES[f.rule]).join(", ")}`);
  if (n > MAX_LISTED) lines.push(`… and ${n - MAX_LISTED} more`);
  const since = dayOf(view.sentAt);
  const owner = person({
    display: view.ownerEmail,
    platform: view.ownerRef?.platform,
    id: view.ownerRef?.id,
  });
  const headlineParts: RichText =
    kind === "reminder"
      ? [
          `Reminder: ${n} machine identit${n === 1 ? "y still needs" : "ies still need"} your decision (asked on `,
          since,
          ").",
        ]
      : [
          "Escalation: ",
          owner,
          " has not answered since ",
          since,
          ` about ${n} risky machine identit${n === 1 ? "y" : "ies"}.`,
        ];
  return { headline: plainRichText(headlineParts), headlineParts, lines };
}
