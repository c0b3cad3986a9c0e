import type { LookupView } from "../../messages/build-lookup.js";
import {
  describeAccountState,
  formatApiCalls,
  formatAuthMethods,
  formatDay,
  formatTime,
} from "../../messages/format-text.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../messages/rule-text.js";

/** One account for `warden lookup`. */
export function renderLookupText(view: LookupView): string {
  if (!view.found) {
    const hint = view.suggestions.length > 0 ? ` Did you mean: ${view.suggestions.join(", ")}?` : "";
    return `No machine identity "${view.query}" in the last scans.${hint}`;
  }
  const { identity: i } = view;
  const state = describeAccountState(i);
  const out = [
    `${i.userName} (${i.name})  sys_id ${i.id}`,
    `  state: ${state.join(", ")}`,
    `  owner: ${i.owner ? `${i.owner.name} <${i.owner.email ?? "no email"}>${i.owner.active ? "" : " (inactive)"}` : "none"}`,
    `  roles: ${i.roles.length > 0 ? i.roles.join(", ") : "none"}${i.privilegedRoles.length > 0 ? ` (privileged: ${i.privilegedRoles.join(", ")})` : ""}`,
    `  activity: ${i.apiCalls30d} API calls in 30 days, last ${formatDay(i.lastApiCallAt)}; UI logins in 30 days: ${i.uiLogins30d ?? "unknown"}; last_login_time ${formatDay(i.lastLoginAt)}`,
    `  authentication (30 days): ${formatAuthMethods(i.authMethods30d)}`,
    `  API calls (7 days):`,
    ...formatApiCalls(i.uniqueApiCalls7d, 10).map((l) => `    ${l}`),
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
  out.push(view.decisions.length > 0 ? "  decisions:" : "  decisions: none");
  for (const d of view.decisions) {
    out.push(
      `    ${formatTime(d.decidedAt)} ${d.actor}: ${d.action} → ${d.outcome}${d.reason ? ` (${d.reason})` : ""}`,
    );
  }
  return out.join("\n");
}
