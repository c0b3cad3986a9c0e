import type { OwnerAccountView } from "./build-owner-messages.js";
import { usageOf } from "./describe-usage.js";

/**
 * What uses the account now, from the evidence the scan recorded (the API calls of the last 7
 * days and how they authenticate, or an Entra app's last sign-in and credentials), for the
 * confirmation of a destructive action: what may stop working. Plain words; renderers escape them.
 */
export function describeAtStake(
  account: Pick<OwnerAccountView, "usage" | "authMethods30d" | "uniqueApiCalls7d">,
): string {
  // What the account calls leads: it is what stops, and a short dialog may only have room for it.
  const all = usageOf(account);
  const calls = all.filter((f) => f.label.startsWith("API calls"));
  const facts = [...calls, ...all.filter((f) => !calls.includes(f))].map((f) => `${f.label}: ${f.value}`);
  return facts.length > 0 ? `In use now: ${facts.join("; ")}.` : "";
}

/**
 * The confirmation text with what is at stake added, cut to `limit` characters: the action's own
 * sentence always whole (it says what happens and whether it can be undone), the evidence shortened
 * to what is left, or left out when too little is.
 */
export function confirmWithStake(confirm: string, stake: string, limit: number): string {
  if (confirm.length >= limit) return `${confirm.slice(0, limit - 1)}…`;
  const room = limit - confirm.length - 1;
  if (!stake || room < 30) return confirm;
  return `${confirm} ${stake.length <= room ? stake : `${stake.slice(0, room - 1)}…`}`;
}
