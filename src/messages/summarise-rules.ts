import { RULE_NAMES, type RuleName } from "../core/model.js";
import { RULE_TITLES } from "./rule-text.js";

/**
 * Counts per rule over accounts a message could not list: "Dormant 120, Basic auth 40".
 * Returns "" for no accounts.
 */
export function summariseRules(
  accounts: readonly { findings?: { rule: RuleName }[]; rules?: RuleName[] }[],
): string {
  const counts = new Map<RuleName, number>();
  for (const account of accounts) {
    const rules = new Set(account.rules ?? account.findings?.map((f) => f.rule) ?? []);
    for (const rule of rules) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return RULE_NAMES.filter((r) => counts.has(r))
    .map((r) => `${RULE_TITLES[r]} ${counts.get(r)}`)
    .join(", ");
}
