import type { OwnerMessageView } from "./build-owner-messages.js";
import { plainRichText, type RichText, timeAt } from "./rich-text.js";
import { plural } from "./rule-text.js";
import { truncateText } from "./truncate-text.js";

/** At most this many assigned accounts are named in the greeting; the rest are counted. */
const NAMED = 3;

/**
 * The opening of an owner message, plain text (the renderers escape it): "Hi Ada, svc_x was
 * assigned to you by secops@acme.example. You own 2 machine identities that need your attention…".
 */
export function describeOwnerIntro(message: OwnerMessageView): string {
  const count = message.accounts.length;
  const needs = count === 1 ? "needs" : "need";
  return `Hi ${truncateText(message.owner.name, 100)}, ${describeAssignments(message)}you own ${plural(count, "machine identity", "machine identities")} that ${needs} your attention, riskiest first. Each button acts on that account only.`;
}

/** "svc_a and svc_b were assigned to you by secops@acme.example. " per admin, or "". */
function describeAssignments(message: OwnerMessageView): string {
  const byAdmin = new Map<string, string[]>();
  for (const account of message.accounts) {
    if (!account.assigned) continue;
    const by = truncateText(account.assigned.by, 100);
    byAdmin.set(by, [...(byAdmin.get(by) ?? []), truncateText(account.userName, 60)]);
  }
  return [...byAdmin]
    .map(([by, names]) => {
      const shown = names.slice(0, NAMED);
      const rest = names.length - shown.length;
      const list = rest > 0 ? `${shown.join(", ")} and ${plural(rest, "more account")}` : joinAnd(shown);
      return `${list} ${names.length === 1 ? "was" : "were"} assigned to you by ${by}; `;
    })
    .join("");
}

function joinAnd(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The line a superseded owner message shows in place of its buttons, plain text:
 * "Superseded by warden's message of 2026-12-02 02:00 UTC: use that one (the buttons here were removed)."
 */
export function describeSuperseded(message: OwnerMessageView): string | undefined {
  const parts = describeSupersededParts(message);
  return parts && plainRichText(parts);
}

/** The same line as parts: the newer message's time in each reader's own time zone. */
export function describeSupersededParts(message: OwnerMessageView): RichText | undefined {
  if (!message.supersededBy) return undefined;
  return [
    "Superseded by warden's message of ",
    timeAt(new Date(message.supersededBy.sentAt)),
    ": use that one. The buttons here were removed.",
  ];
}
