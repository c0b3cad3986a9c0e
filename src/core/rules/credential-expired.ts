import { daysAgo, describeCredential } from "../describe-credential.js";
import { isoDay } from "../iso-day.js";
import type { Evidence } from "../model.js";
import { appliesToKinds } from "./applies-to-kinds.js";
import { defineRule } from "./rule-definition.js";

/**
 * An expired secret or certificate still attached to the application. It can no longer sign in,
 * so the risk is small: it clutters the app, hides which credential is live, and tells of a
 * rotation nobody finished. Every expired one is named (the Remove action takes them one by one).
 * Like credential_expiring it needs no signal: the credentials come with the application.
 */
export const credentialExpired = defineRule({
  name: "credential_expired",
  title: "Expired credential",
  opened: "let a credential expire without removing it",
  resolved: "removed their expired credentials",
  remediation: "remove_credential",
  remediationText: "Remove the expired credential from the app registration",
  weight: 0.1,
  signals: [],
  appliesTo: appliesToKinds("entra"),
  judge({ identity, options }) {
    const { now } = options;
    const expired = (identity.credentials ?? [])
      .filter((c) => c.expiresAt !== undefined && c.expiresAt <= now)
      .sort((a, b) => (a.expiresAt?.getTime() ?? 0) - (b.expiresAt?.getTime() ?? 0));
    const [oldest] = expired;
    const newest = expired.at(-1);
    if (!oldest?.expiresAt || !newest?.expiresAt) return undefined;
    const evidence: Evidence[] = expired.map((c) => ({
      signal: "credentials",
      detail: `${describeCredential(c)} expired ${isoDay(c.expiresAt as Date)}, ${daysAgo(c.expiresAt as Date, now)}`,
    }));
    return {
      severity: "low",
      summary:
        expired.length === 1
          ? `${oldest.type === "secret" ? "Client secret" : "Certificate"}${oldest.name ? ` "${oldest.name}"` : ""} expired ${isoDay(oldest.expiresAt)} (${daysAgo(oldest.expiresAt, now)}) and is still attached`
          : `${expired.length} expired credentials still attached (expired between ${isoDay(oldest.expiresAt)} and ${isoDay(newest.expiresAt)})`,
      evidence,
    };
  },
});
