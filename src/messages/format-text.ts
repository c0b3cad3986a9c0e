import { describeState } from "../core/identity-questions.js";
import type { ApiCall, AuthMethodCounts, MachineIdentity } from "../core/model.js";
import { plural } from "./rule-text.js";

/** "2026-11-23 02:00 UTC": one unambiguous time format for every terminal view. */
export function formatTime(date: Date | undefined): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never";
}

export function formatDay(date: Date | undefined): string {
  return date ? date.toISOString().slice(0, 10) : "never";
}

/** "Basic 12, OAuth 3" or "unknown (not exposed by the instance)". */
export function formatAuthMethods(methods: AuthMethodCounts | undefined): string {
  if (!methods) return "unknown (not exposed by the instance)";
  const parts = [
    methods.basic > 0 ? `Basic auth (${plural(methods.basic, "use")})` : "",
    methods.oauth > 0 ? `OAuth (${plural(methods.oauth, "token")} issued)` : "",
    methods.other > 0 ? `other or unknown (${plural(methods.other, "call")})` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "none seen in 30 days";
}

/** The first `limit` unique calls, then "and N more". */
export function formatApiCalls(calls: readonly ApiCall[], limit = 5): string[] {
  if (calls.length === 0) return ["none in the last 7 days"];
  const lines = calls.slice(0, limit).map((c) => `${c.method} ${c.path} (${c.count}×)`);
  if (calls.length > limit) lines.push(`and ${calls.length - limit} more`);
  return lines;
}

/** An account's state in words, the same on every surface: ["active", "web service access only"]. */
export function describeAccountState(identity: Pick<MachineIdentity, "active" | "attributes">): string[] {
  return describeState(identity);
}
