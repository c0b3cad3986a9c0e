import type { ActionDefinition } from "./action-definition.js";

/** Web Service Access Only: no more UI logins, API calls keep working. */
export const restrict = {
  kind: "restrict",
  id: "warden_restrict",
  title: "Restrict to API only",
  fixes: ["restrict", "split_or_restrict"],
  confirm: (userName) =>
    `${userName} will be set to Web Service Access Only: it can no longer log into the UI, API calls keep working. You can undo it for 24 hours.`,
  reversible: true,
  // A web-service-only account is restricted already.
  offeredFor: (account) => account.canLogIntoUi,
  intent: "restrict_to_api",
  done: "Restricted to API only",
  wouldHave: "would have been restricted to API only",
  failed: "Restricted",
} as const satisfies ActionDefinition<"restrict">;
