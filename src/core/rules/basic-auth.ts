import { DAY_MS, isoDay } from "../iso-day.js";
import { appliesToKinds } from "./applies-to-kinds.js";
import { defineRule } from "./rule-definition.js";

/** Basic auth (username and password) used for API calls in the last 30 days. */
export const basicAuth = defineRule({
  name: "basic_auth",
  title: "Basic auth",
  opened: "started using Basic auth",
  resolved: "moved off Basic auth",
  remediation: "move_to_oauth",
  remediationText: "Move it to OAuth (client credentials)",
  weight: 0.4,
  signals: ["auth_methods"],
  // ServiceNow's Basic-auth usage record; an Entra app authenticates with secrets or certificates.
  appliesTo: appliesToKinds("servicenow"),
  judge({ identity, options, seesAll }) {
    if (!seesAll) return "undecided";
    const basic = identity.authMethods30d?.basic ?? 0;
    if (!identity.authMethods30d || !(basic > 0)) return undefined;
    const seen = identity.lastBasicAuthAt ? `, last on ${isoDay(identity.lastBasicAuthAt)}` : "";
    return {
      severity: identity.privilegedRoles.length > 0 ? "critical" : "high",
      summary: `Uses Basic auth (username and password) for API calls${seen}`,
      evidence: [
        {
          signal: "auth_methods",
          // The usage record's count is cumulative; it is current because last_seen is within 30 days.
          detail: `Basic-auth usage record: ${basic} use(s) in all${seen}`,
          since: new Date(options.now.getTime() - 30 * DAY_MS),
        },
      ],
    };
  },
});
