import type { MineView } from "./build-mine-view.js";
import { plural, RULE_TITLES } from "./rule-text.js";
import { sourceLabel } from "./source-label.js";

/** The words of the "mine" list (Slack Home tab, `/warden mine`, Teams `mine`), the same on every surface. */
export const MINE_TITLE = "Your machine identities";

/** "You own 7 machine identities with open findings, riskiest first. Showing 6–7 of 7 (Basic auth, ServiceNow)." */
export function describeMineIntro(view: MineView): string {
  if (view.viewer === undefined) {
    return "warden could not read your email address from the chat platform, so it cannot tell which accounts are yours.";
  }
  if (view.total === 0) {
    return view.kept > 0
      ? "None of your machine identities needs attention now."
      : "You own no machine identity with an open finding. Nothing to do.";
  }
  const owned = `You own ${plural(view.total, "machine identity", "machine identities")} with open findings, riskiest first.`;
  const narrowed = describeMineFilter(view);
  if (view.matching === 0) return `${owned} None of them matches ${narrowed}.`;
  const first = (view.page - 1) * view.pageSize + 1;
  const last = first + view.accounts.length - 1;
  const range = first === last ? `${first}` : `${first}–${last}`;
  return `${owned} Showing ${range} of ${view.matching.toLocaleString("en-US")}${narrowed ? ` (${narrowed})` : ""}.`;
}

/** "Basic auth, ServiceNow": what the filter keeps, or "" for everything. */
export function describeMineFilter(view: Pick<MineView, "filter">): string {
  return [
    view.filter.rule ? RULE_TITLES[view.filter.rule] : undefined,
    view.filter.source ? sourceLabel(view.filter.source) : undefined,
  ]
    .filter(Boolean)
    .join(", ");
}

/** Lines after the list: kept accounts, the admin's wider reach. */
export function describeMineNotes(view: MineView): string[] {
  const notes: string[] = [];
  if (view.kept > 0) {
    notes.push(
      `${plural(view.kept, "account")} you kept (accepted risk) ${view.kept === 1 ? "is" : "are"} not listed until the Keep ends.`,
    );
  }
  if (view.admin) {
    notes.push(
      "As a warden admin you may act on any account: look it up by name; accounts with no reachable owner go to the admin channel.",
    );
  }
  return notes;
}

/** "Page 2 of 4". */
export const describeMinePage = (view: Pick<MineView, "page" | "pageCount">) =>
  `Page ${view.page} of ${view.pageCount}`;

/** The rule filter's options: "All findings", then each rule present with its count. */
export function mineRuleOptions(view: Pick<MineView, "rules">): { value: string; label: string }[] {
  return [
    { value: "all", label: "All findings" },
    ...view.rules.map((r) => ({ value: r.rule, label: `${RULE_TITLES[r.rule]} (${r.accounts})` })),
  ];
}

/** The source filter's options: "All sources", then each source with its count. */
export function mineSourceOptions(view: Pick<MineView, "sources">): { value: string; label: string }[] {
  return [
    { value: "all", label: "All sources" },
    ...view.sources.map((s) => ({ value: s.source, label: `${sourceLabel(s.source)} (${s.accounts})` })),
  ];
}
