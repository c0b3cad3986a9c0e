import type { Credential, MachineIdentity } from "../core/model.js";
import { formatApiCalls, formatAuthMethods, formatDay } from "./format-text.js";
import { plural } from "./rule-text.js";
import { SOURCE_KIND_TITLES } from "./source-label.js";

/**
 * One line of "what a change would touch" under an account in owner messages: how it
 * authenticates and what it calls (ServiceNow), when it last signed in and with which
 * credentials (Entra ID). Words only: every renderer escapes them as text from a source.
 */
export interface UsageFact {
  label: string;
  value: string;
}

/** The source's name in words, for the line that says where an account lives. */
export function sourceTitle(identity: Pick<MachineIdentity, "attributes">): string {
  return SOURCE_KIND_TITLES[identity.attributes.kind];
}

/** What a change to the account would touch, in the words of its kind of source. */
export function describeUsage(identity: MachineIdentity, options: { apiCallsShown: number }): UsageFact[] {
  switch (identity.attributes.kind) {
    case "servicenow":
      return serviceNowUsage(identity.authMethods30d, identity.uniqueApiCalls7d, options.apiCallsShown);
    case "entra": {
      const signIn = identity.attributes.lastAppOnlySignInAt ?? identity.attributes.lastSignInAt;
      return [
        { label: "Last sign-in", value: signIn ? formatDay(signIn) : "none on record" },
        { label: "Credentials", value: describeCredentials(identity.credentials ?? []) },
      ];
    }
  }
}

/** ServiceNow's facts from their stored parts (also how messages stored before facts existed read). */
export function serviceNowUsage(
  authMethods30d: MachineIdentity["authMethods30d"],
  calls: MachineIdentity["uniqueApiCalls7d"],
  apiCallsShown: number,
): UsageFact[] {
  return [
    { label: "Authentication (30 days)", value: formatAuthMethods(authMethods30d) },
    { label: "API calls (7 days)", value: formatApiCalls(calls, apiCallsShown).join("; ") },
  ];
}

/** "2 secrets, 1 certificate; next expiry 2026-12-20" or "none". */
function describeCredentials(credentials: readonly Credential[]): string {
  if (credentials.length === 0) return "none";
  const secrets = credentials.filter((c) => c.type === "secret").length;
  const certificates = credentials.length - secrets;
  const kinds = [
    secrets > 0 ? plural(secrets, "secret") : "",
    certificates > 0 ? plural(certificates, "certificate") : "",
  ].filter(Boolean);
  const ends = credentials
    .map((c) => c.expiresAt?.getTime())
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  const next = ends[0];
  return next === undefined
    ? kinds.join(", ")
    : `${kinds.join(", ")}; earliest expiry ${formatDay(new Date(next))}`;
}

/** The facts a renderer shows under an account: stored ones, or (older messages) ServiceNow's parts. */
export function usageOf(account: {
  usage?: readonly UsageFact[] | undefined;
  authMethods30d: MachineIdentity["authMethods30d"];
  uniqueApiCalls7d: MachineIdentity["uniqueApiCalls7d"];
}): readonly UsageFact[] {
  return account.usage ?? serviceNowUsage(account.authMethods30d, account.uniqueApiCalls7d, 3);
}
