import { RULE_NAMES, type RuleName } from "../core/model.js";

/** The rules whose new findings are posted to the admin channel right after a scan, by default. */
export const DEFAULT_ALERT_RULES: readonly RuleName[] = ["privileged", "basic_auth", "credential_expired"];

/**
 * Reads ALERT_RULES: comma-separated rule names, or `none` to post no alerts (the weekly digest
 * still lists new findings). Unset: DEFAULT_ALERT_RULES. An unknown name is a problem, not
 * ignored: a typo would otherwise silently turn an alert off.
 */
export function readAlertRules(raw: string | undefined, problems: string[]): readonly RuleName[] {
  if (raw === undefined) return DEFAULT_ALERT_RULES;
  if (raw.toLowerCase() === "none") return [];
  const rules: RuleName[] = [];
  for (const name of raw
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "")) {
    if ((RULE_NAMES as readonly string[]).includes(name)) {
      if (!rules.includes(name as RuleName)) rules.push(name as RuleName);
    } else {
      problems.push(
        `ALERT_RULES must list rule names (${RULE_NAMES.join(", ")}) or be "none" (got "${name}").`,
      );
    }
  }
  return rules;
}
