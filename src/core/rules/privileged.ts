import { canLogIntoUi } from "../identity-questions.js";
import { defineRule } from "./rule-definition.js";

/** Privileged roles give an account the largest blast radius, more so when it can log into the UI. */
export const privileged = defineRule({
  name: "privileged",
  title: "Privileged role",
  opened: "gained a privileged role",
  resolved: "lost a privileged role",
  remediation: "reduce_roles",
  remediationText: "Remove the privileged roles it does not need",
  weight: 0.5,
  signals: ["roles"],
  judge({ identity, seesAll }) {
    if (!seesAll) return "undecided";
    if (identity.privilegedRoles.length === 0) return undefined;
    return {
      severity: canLogIntoUi(identity) ? "critical" : "high",
      summary: `Holds privileged role(s): ${identity.privilegedRoles.join(", ")}`,
      evidence: [{ signal: "roles", detail: `Roles: ${identity.roles.join(", ")}` }],
    };
  },
});
