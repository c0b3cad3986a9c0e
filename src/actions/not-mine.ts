import type { ActionDefinition } from "./action-definition.js";

/** The owner says the account is not theirs: it goes to the admins to find its owner. */
export const notMine = {
  kind: "not_mine",
  id: "warden_not_mine",
  title: "Not mine",
  reversible: false,
  offeredFor: () => true,
  done: "Marked as not mine (sent to the admins for reassignment)",
  wouldHave: "would have been marked as not mine",
  failed: "Marked",
} as const satisfies ActionDefinition<"not_mine">;
