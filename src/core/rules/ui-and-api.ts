import { API_USE_SIGNALS } from "../api-use-signals.js";
import { sourceHasUiLogins } from "../identity-questions.js";
import { defineRule } from "./rule-definition.js";

/**
 * One account used both by a person in the UI and by an integration: its password is shared, and
 * nobody can tell the two apart. Either side seen idle settles it, even when the other is blind.
 */
export const uiAndApi = defineRule({
  name: "ui_and_api",
  title: "UI and API logins",
  opened: "logged into the UI while calling APIs",
  resolved: "stopped mixing UI and API logins",
  remediation: "split_or_restrict",
  remediationText: "Restrict it to API only, or split it into a UI and an API account",
  weight: 0.4,
  signals: ["ui_logins", ...API_USE_SIGNALS],
  // Needs a source that records interactive logins at all.
  appliesTo: sourceHasUiLogins,
  judge({ identity, read }) {
    const ui = identity.uiLogins30d ?? 0;
    if (!read.ui.blind && ui > 0 && read.apiUsed) {
      const calls = identity.apiCalls30d;
      const api =
        calls > 0
          ? `${calls} API call(s)`
          : read.api
              .filter((r) => r.used30d)
              .map((r) => (r.evidence.signal === "auth_methods" ? "Basic-auth use" : "OAuth tokens issued"))
              .join(", ");
      return {
        severity: "high",
        summary: `Logs into the UI and calls APIs (${ui} UI login(s), ${api} in 30 days)`,
        evidence: [read.ui.evidence, ...read.api.map((r) => r.evidence)],
      };
    }
    const noUiLogins = !read.ui.blind && ui === 0;
    return noUiLogins || read.apiSurelyUnused ? undefined : "undecided";
  },
});
