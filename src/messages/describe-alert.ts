import type { AlertLine, AlertRuleGroup, AlertView } from "./build-alert.js";
import { plural, RULE_OPENED, RULE_TITLES } from "./rule-text.js";
import { sourceLabel } from "./source-label.js";
import { truncateText } from "./truncate-text.js";

/** "3 new critical findings after the scan": an alert's title on every surface. */
export function alertTitle(view: AlertView): string {
  return `warden alert: ${plural(view.total, "new finding", "new findings")} after the scan`;
}

/** "Privileged role: 2 accounts gained a privileged role". */
export function alertRuleHeading(group: AlertRuleGroup): string {
  return `${RULE_TITLES[group.rule]}: ${plural(group.total, "account")} ${RULE_OPENED[group.rule]}`;
}

/** "Raj Patel (raj.patel@acme.example)", "raj@x", or "no owner": whom to ask. */
export function alertOwner(line: AlertLine): string {
  if (line.ownerName && line.ownerEmail) return `${line.ownerName} (${line.ownerEmail})`;
  return line.ownerName ?? line.ownerEmail ?? "no owner";
}

/** " (CMDB Discovery Import)": the display name, when it is not the user name (an Entra app's are one). */
export function alertDisplayName(line: AlertLine, max: number): string {
  return line.name === line.userName ? "" : ` (${truncateText(line.name, max)})`;
}

/** "[Entra ID] " before an account when the alert covers several sources; "" otherwise. */
export function alertSourcePrefix(view: AlertView, line: AlertLine): string {
  return view.sources.length > 1 ? `[${sourceLabel(line.source)}] ` : "";
}

/** The fallback line: "warden alert: 3 new findings (Privileged role 2, Basic auth 1)". */
export function alertSummary(view: AlertView): string {
  const counts = view.rules.map((g) => `${RULE_TITLES[g.rule]} ${g.total}`).join(", ");
  return `${alertTitle(view)} (${counts})`;
}
