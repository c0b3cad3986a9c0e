import { isoDay } from "./iso-day.js";
import type { Credential } from "./model.js";

/**
 * One credential as evidence names it, enough to find it in the portal and to remove it:
 * `Secret "ci" (hint c42, keyId 0f1e…)`. Never the secret: Graph returns only its first characters
 * (`hint`), and warden never asks for more.
 */
export function describeCredential(credential: Credential): string {
  const kind = credential.type === "secret" ? "Secret" : "Certificate";
  const name = credential.name ? ` "${credential.name}"` : "";
  const hint = credential.hint ? `hint ${credential.hint}, ` : "";
  return `${kind}${name} (${hint}keyId ${credential.id})`;
}

/** "in 10 days", "in 1 day", "within a day": how soon a date comes, from `now`. */
export function inDays(date: Date, now: Date): string {
  const days = Math.floor((date.getTime() - now.getTime()) / 86_400_000);
  if (days <= 0) return "within a day";
  return `in ${days} ${days === 1 ? "day" : "days"}`;
}

/** "20 days ago", "1 day ago", "today": how long ago a date was, from `now`. */
export function daysAgo(date: Date, now: Date): string {
  const days = Math.floor((now.getTime() - date.getTime()) / 86_400_000);
  if (days <= 0) return "today";
  return `${days} ${days === 1 ? "day" : "days"} ago`;
}

/** "; last used 2026-11-20", "; no use on record", or "" when credential sign-ins were not readable. */
export function lastUseOf(credential: Credential, readable: boolean): string {
  if (credential.lastUsedAt) return `; last used ${isoDay(credential.lastUsedAt)}`;
  return readable ? "; no sign-in with it on record" : "";
}
