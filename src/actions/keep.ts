import type { ActionDefinition } from "./action-definition.js";

/**
 * Keep: the owner accepts the risk, with a reason, for a while; the findings come back after.
 * Only warden's records change (the findings are accepted until then). How long: keep-duration.ts.
 */
export const keep = {
  kind: "keep",
  id: "warden_keep",
  title: "Keep…",
  asksReason: true,
  reversible: false,
  offeredFor: () => true,
  done: "Kept (risk accepted)",
  wouldHave: "would have been kept",
  failed: "Kept",
} as const satisfies ActionDefinition<"keep">;
