import type { AlertView } from "../../messages/build-alert.js";
import {
  alertDisplayName,
  alertOwner,
  alertRuleHeading,
  alertSourcePrefix,
  alertTitle,
} from "../../messages/describe-alert.js";
import { formatTime } from "../../messages/format-text.js";

/** An immediate alert as plain text (the demo prints it where a chat would get it). */
export function renderAlertText(view: AlertView): string {
  const title = alertTitle(view);
  const out = [title, "=".repeat(title.length)];
  for (const group of view.rules) {
    out.push("", `${alertRuleHeading(group)}:`);
    for (const a of group.accounts) {
      out.push(
        `  ${alertSourcePrefix(view, a)}${a.userName}${alertDisplayName(a, 200)}, owner: ${alertOwner(a)}: ${a.summary}`,
      );
      for (const e of a.evidence) out.push(`      ${e}`);
    }
    if (group.total > group.accounts.length) out.push(`  … and ${group.total - group.accounts.length} more`);
  }
  out.push(
    "",
    `Found by the scan of ${formatTime(view.generatedAt)}; \`warden lookup <account>\` shows an account.`,
  );
  return out.join("\n");
}
