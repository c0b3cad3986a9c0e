import type { ActionDefinition } from "./action-definition.js";

/**
 * Disables the account in its source: every integration using it stops. ServiceNow: inactive and
 * locked out. Entra ID: the service principal's accountEnabled false, which "prevents all tokens
 * from being issued for that application"; tokens already issued last until they expire
 * (https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/disable-user-sign-in-portal).
 */
export const disable = {
  kind: "disable",
  id: "warden_disable",
  title: "Disable",
  style: "danger",
  fixes: ["disable"],
  confirm: (userName, account) =>
    account.sourceKind === "entra"
      ? `The service principal ${userName} will be disabled (accountEnabled false): sign-ins with its credentials stop and no new tokens are issued; tokens already issued work until they expire (60 to 90 minutes). You can undo it for 24 hours.`
      : `${userName} will be set inactive and locked out in ServiceNow: every integration using it stops working. You can undo it for 24 hours.`,
  reversible: true,
  offeredFor: () => true,
  intent: "disable",
  done: "Disabled",
  wouldHave: "would have been disabled",
  failed: "Disabled",
} as const satisfies ActionDefinition<"disable">;
