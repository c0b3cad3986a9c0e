import { API_USE_SIGNALS } from "../api-use-signals.js";
import { canLogIntoUi } from "../identity-questions.js";
import { defineRule } from "./rule-definition.js";

/**
 * ServiceNow's Web Service Access Only: an account that can log into the UI should not be an API
 * account. API use in any readable signal is enough to decide, even when another one is blind.
 */
export const wsaoDisabled = defineRule({
  name: "wsao_disabled",
  title: "Web Service Access Only off",
  opened: "called APIs without Web Service Access Only",
  resolved: "restricted to API only",
  remediation: "restrict",
  remediationText: "Restrict it to API only (Web Service Access Only)",
  weight: 0.4,
  signals: API_USE_SIGNALS,
  // Only an identity that can log into the UI can be restricted to API only; a source without UI
  // logins (an Entra service principal) never can.
  appliesTo: canLogIntoUi,
  judge({ read }) {
    if (read.apiUsed) {
      return {
        severity: "high",
        summary: "Makes API calls but may also log into the UI (Web Service Access Only is off)",
        evidence: [
          ...read.api.map((r) => r.evidence),
          { signal: "state", detail: "web_service_access_only is false" },
        ],
      };
    }
    return read.apiSurelyUnused ? undefined : "undecided";
  },
});
