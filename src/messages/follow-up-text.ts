import type { FollowUpView } from "../notify/enqueue-follow-ups.js";
import { formatDay } from "./format-text.js";
import { RULE_TITLES } from "./rule-text.js";

const MAX_LISTED = 20;

/** The words of a reminder or an escalation, shared by every chat platform. */
export function describeFollowUp(
  kind: "reminder" | "escalation",
  view: FollowUpView,
): { headline: string; lines: string[] } {
  const n = view.accounts.length;
  const lines = view.accounts
    .slice(0, MAX_LISTED)
    .map((a) => `${a.userName}: ${a.findings.map((f) => RULE_TITLES[f.rule]).join(", ")}`);
  if (n > MAX_LISTED) lines.push(`… and ${n - MAX_LISTED} more`);
  const headline =
    kind === "reminder"
      ? `Reminder: ${n} machine identit${n === 1 ? "y still needs" : "ies still need"} your decision (asked on ${formatDay(view.sentAt)}).`
      : `Escalation: ${view.ownerEmail} has not answered since ${formatDay(view.sentAt)} about ${n} risky machine identit${n === 1 ? "y" : "ies"}.`;
  return { headline, lines };
}
