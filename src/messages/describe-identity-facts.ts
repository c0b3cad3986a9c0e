import type { MachineIdentity } from "../core/model.js";
import { sourceTitle, type UsageFact } from "./describe-usage.js";
import { formatApiCalls, formatAuthMethods, formatDay } from "./format-text.js";

/**
 * What a lookup shows of one identity beyond its state, owner and findings, in the words of its
 * kind of source, for every renderer (terminal, Slack, Teams) to lay out its own way.
 */
export interface IdentityFacts {
  /** "ServiceNow", "Entra ID". */
  sourceTitle: string;
  /** How the source identifies it: [["sys_id", "…"]] or [["object id", "…"], ["appId", "…"]]. */
  ids: [label: string, value: string][];
  facts: UsageFact[];
  /** A titled list (API calls of 7 days; credentials). */
  list: { title: string; items: string[] };
}

export function describeIdentityFacts(identity: MachineIdentity): IdentityFacts {
  const i = identity;
  const a = i.attributes;
  switch (a.kind) {
    case "servicenow":
      return {
        sourceTitle: sourceTitle(i),
        ids: [["sys_id", i.id]],
        facts: [
          {
            label: "Roles",
            value: `${i.roles.length > 0 ? i.roles.join(", ") : "none"}${i.privilegedRoles.length > 0 ? ` (privileged: ${i.privilegedRoles.join(", ")})` : ""}`,
          },
          {
            label: "Activity (30 days)",
            value: `${i.apiCalls30d.toLocaleString("en-US")} API calls, last ${formatDay(i.lastApiCallAt)}; UI logins: ${i.uiLogins30d ?? "unknown"}, last_login_time ${formatDay(i.lastLoginAt)}`,
          },
          { label: "Authentication (30 days)", value: formatAuthMethods(i.authMethods30d) },
        ],
        list: { title: "API calls (7 days)", items: formatApiCalls(i.uniqueApiCalls7d, 10) },
      };
    case "entra": {
      const owners = a.owners.map((o) => {
        const who = o.displayName ?? o.userPrincipalName ?? o.id;
        if (o.kind !== "user") return `${who} (${o.kind}: cannot be messaged)`;
        const mail = o.mail ?? o.userPrincipalName;
        return `${who}${mail && mail !== who ? ` <${mail}>` : ""}${o.enabled === false ? " (disabled)" : ""}`;
      });
      const privileged = new Set(i.privilegedRoles);
      const mark = (names: readonly string[]) =>
        names.length > 0
          ? names.map((n) => (privileged.has(n) ? `${n} (privileged)` : n)).join(", ")
          : "none";
      return {
        sourceTitle: sourceTitle(i),
        ids: [
          ["object id", i.id],
          ["appId", a.appId],
        ],
        facts: [
          { label: "Owners", value: owners.length > 0 ? owners.join(", ") : "none" },
          { label: "Graph permissions", value: mark(a.graphPermissions) },
          { label: "Directory roles", value: mark(a.directoryRoles) },
          {
            label: "Last sign-in",
            value: `${formatDay(a.lastSignInAt)} (app-only as a client: ${formatDay(a.lastAppOnlySignInAt)})`,
          },
        ],
        list: {
          title: "Credentials",
          items:
            (i.credentials ?? []).length === 0
              ? ["none"]
              : (i.credentials ?? []).map(
                  (c) =>
                    `${c.type}${c.name ? ` "${c.name}"` : ""}${c.hint ? ` (${c.hint}…)` : ""}: from ${formatDay(c.createdAt)} to ${formatDay(c.expiresAt)}, last used ${formatDay(c.lastUsedAt)}`,
                ),
        },
      };
    }
  }
}
