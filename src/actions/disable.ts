import type { ActionDefinition } from "./action-definition.js";

/** Sets the account inactive and locked out: every integration using it stops. */
export const disable = {
  kind: "disable",
  id: "warden_disable",
  title: "Disable",
  style: "danger",
  confirm: (userName) =>
    `${userName} will be set inactive and locked out in ServiceNow: every integration using it stops working. You can undo it for 24 hours.`,
  reversible: true,
  offeredFor: () => true,
  intent: "disable",
  done: "Disabled",
  wouldHave: "would have been disabled",
  failed: "Disabled",
} as const satisfies ActionDefinition<"disable">;
