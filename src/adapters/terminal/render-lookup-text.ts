import type { LookupView } from "../../messages/build-lookup.js";
import { describeIdentityFacts } from "../../messages/describe-identity-facts.js";
import { describeCertifiedParts } from "../../messages/describe-review-message.js";
import { describeAccountState, formatDay, formatTime } from "../../messages/format-text.js";
import { plainRichText } from "../../messages/rich-text.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../messages/rule-text.js";

/** One account for `warden lookup`. */
export function renderLookupText(view: LookupView): string {
  if (!view.found) {
    const hint = view.suggestions.length > 0 ? ` Did you mean: ${view.suggestions.join(", ")}?` : "";
    return `No machine identity "${view.query}" in the last scans.${hint}`;
  }
  const { identity: i } = view;
  const state = describeAccountState(i);
  const facts = describeIdentityFacts(i);
  const lowerFirst = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);
  const out = [
    `${i.userName} (${i.name})  ${facts.ids.map(([label, value]) => `${label} ${value}`).join("  ")}  [${facts.sourceTitle}]`,
    `  state: ${state.join(", ")}`,
    `  owner: ${i.owner ? `${i.owner.name} <${i.owner.email ?? "no email"}>${i.owner.active ? "" : " (inactive)"}` : "none"}`,
    ...facts.facts.map((fact) => `  ${lowerFirst(fact.label)}: ${fact.value}`),
    `  ${facts.list.title}:`,
    ...facts.list.items.map((l) => `    ${l}`),
    `  first seen ${formatTime(view.firstSeenAt)}, last seen ${formatTime(view.lastSeenAt)}`,
  ];
  out.push(view.openFindings.length > 0 ? "  findings:" : "  findings: none");
  for (const f of view.openFindings) {
    out.push(`    ${f.rule} [${f.severity}] since ${formatDay(f.firstSeenAt)}: ${f.summary}`);
    for (const e of f.evidence) out.push(`      evidence: ${e.detail}`);
    out.push(`      recommended: ${REMEDIATION_TEXT[f.remediation]}`);
  }
  if (view.resolvedFindings.length > 0) {
    out.push("  resolved:");
    for (const f of view.resolvedFindings)
      out.push(`    ${RULE_TITLES[f.rule]} resolved ${formatDay(f.resolvedAt)}`);
  }
  if (view.certified) out.push(`  certified: ${plainRichText(describeCertifiedParts(view.certified))}`);
  out.push(view.decisions.length > 0 ? "  decisions:" : "  decisions: none");
  for (const d of view.decisions) {
    out.push(
      `    ${formatTime(d.decidedAt)} ${d.actor}: ${d.action} → ${d.outcome}${d.reason ? ` (${d.reason})` : ""}`,
    );
  }
  return out.join("\n");
}
