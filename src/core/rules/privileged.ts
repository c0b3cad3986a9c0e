import { blindEvidence } from "../blind-evidence.js";
import { canLogIntoUi } from "../identity-questions.js";
import type { EntraAttributes, Evidence } from "../model.js";
import { defineRule, type RuleContext, type RuleVerdict } from "./rule-definition.js";

/**
 * Privileged roles give an account the largest blast radius, more so when it can log into the UI.
 * In ServiceNow they are roles; for an Entra app, high-privilege Microsoft Graph application
 * permissions and privileged directory roles (the collector's lists, privileged-defaults.ts).
 */
export const privileged = defineRule({
  name: "privileged",
  title: "Privileged role",
  opened: "gained a privileged role",
  resolved: "lost a privileged role",
  remediation: "reduce_roles",
  remediationText: "Remove the privileged roles it does not need",
  remediationByKind: {
    entra: {
      remediation: "review_permissions",
      remediationText: "Remove the Graph permissions and directory roles it does not need",
    },
  },
  weight: 0.5,
  signals: ["roles", "app_permissions", "directory_roles"],
  judge(context) {
    const { identity, sees } = context;
    if (identity.attributes.kind === "entra") return judgeEntra(context, identity.attributes);
    if (!sees("roles")) return "undecided";
    if (identity.privilegedRoles.length === 0) return undefined;
    return {
      severity: canLogIntoUi(identity) ? "critical" : "high",
      summary: `Holds privileged role(s): ${identity.privilegedRoles.join(", ")}`,
      evidence: [{ signal: "roles", detail: `Roles: ${identity.roles.join(", ")}` }],
    };
  },
});

/**
 * Entra: either signal alone is enough to fire (a privileged permission is one whatever the roles
 * say); nothing privileged in what could be read is undecided when the other one is blind. Every
 * default privilege is a path to Global Administrator (Tier 0), and anyone holding the app's
 * secret or key holds it without a user's MFA, so it is critical.
 */
function judgeEntra({ identity, options, sees }: RuleContext, entra: EntraAttributes): RuleVerdict {
  const held = new Set(identity.privilegedRoles);
  const permissions = entra.graphPermissions.filter((p) => held.has(p));
  const roles = entra.directoryRoles.filter((r) => held.has(r));
  if (permissions.length === 0 && roles.length === 0) {
    return sees("app_permissions", "directory_roles") ? undefined : "undecided";
  }
  const list = (all: string[], privileged: string[]) =>
    all.length === privileged.length
      ? all.join(", ")
      : `${all.join(", ")} (privileged: ${privileged.join(", ") || "none"})`;
  const evidence: Evidence[] = [
    blindEvidence(options.blindSpots, "app_permissions", "Microsoft Graph application permissions") ?? {
      signal: "app_permissions",
      detail:
        entra.graphPermissions.length > 0
          ? `Microsoft Graph application permissions: ${list(entra.graphPermissions, permissions)}`
          : "Microsoft Graph application permissions: none",
    },
    blindEvidence(options.blindSpots, "directory_roles", "Directory roles") ?? {
      signal: "directory_roles",
      detail:
        entra.directoryRoles.length > 0
          ? `Directory roles: ${list(entra.directoryRoles, roles)}`
          : "Directory roles: none",
    },
  ];
  const what = [
    ...(permissions.length > 0 ? [`Graph permission(s) ${permissions.join(", ")}`] : []),
    ...(roles.length > 0 ? [`directory role(s) ${roles.join(", ")}`] : []),
  ];
  return { severity: "critical", summary: `Holds privileged ${what.join(" and ")}`, evidence };
}
