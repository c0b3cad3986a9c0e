import { DEFAULT_CREDENTIAL_WARN_DAYS } from "../credential-limits.js";
import { describeCredential, inDays, lastUseOf } from "../describe-credential.js";
import { DAY_MS, isoDay } from "../iso-day.js";
import type { Evidence } from "../model.js";
import { appliesToKinds } from "./applies-to-kinds.js";
import { defineRule } from "./rule-definition.js";

/**
 * A secret or certificate that expires within CREDENTIAL_WARN_DAYS (the window included): when it
 * does, the app stops signing in with it. Worse (high) when no other credential stays valid past
 * the window, since then the app stops signing in at all. The credentials come with the
 * application listing, which every scan reads, so the rule needs no signal; when each was last
 * used (appCredentialSignInActivities) is evidence where it is readable.
 */
export const credentialExpiring = defineRule({
  name: "credential_expiring",
  title: "Credential expiring",
  opened: "got a credential close to expiry",
  resolved: "renewed or removed an expiring credential",
  remediation: "rotate_credential",
  remediationText: "Add a new credential, switch the app to it, then remove the old one",
  // An outage risk more than an attack path, but one that pushes people into hasty long-lived secrets.
  weight: 0.2,
  signals: [],
  appliesTo: appliesToKinds("entra"),
  judge({ identity, options, sees }) {
    const { now } = options;
    const warnDays = options.credentialWarnDays ?? DEFAULT_CREDENTIAL_WARN_DAYS;
    const horizon = new Date(now.getTime() + warnDays * DAY_MS);
    const credentials = identity.credentials ?? [];
    const expiring = credentials
      .filter((c) => c.expiresAt !== undefined && c.expiresAt > now && c.expiresAt <= horizon)
      .sort((a, b) => (a.expiresAt?.getTime() ?? 0) - (b.expiresAt?.getTime() ?? 0));
    const [first] = expiring;
    if (!first?.expiresAt) return undefined;
    // A credential without an end date never expires, so it outlives the window too.
    const successor = credentials.some((c) => c.expiresAt === undefined || c.expiresAt > horizon);
    const readable = sees("credential_sign_ins");
    const evidence: Evidence[] = expiring.map((c) => ({
      signal: "credentials",
      detail: `${describeCredential(c)} expires ${isoDay(c.expiresAt as Date)}, ${inDays(c.expiresAt as Date, now)}${lastUseOf(c, readable)}`,
    }));
    evidence.push({
      signal: "credentials",
      detail: successor
        ? `Another credential stays valid after ${isoDay(horizon)}`
        : `No other credential is valid after ${isoDay(horizon)}: the app stops signing in when ${expiring.length === 1 ? "it expires" : "they expire"}`,
    });
    const when = `${isoDay(first.expiresAt)}, ${inDays(first.expiresAt, now)}`;
    return {
      severity: successor ? "medium" : "high",
      summary:
        expiring.length === 1
          ? `${first.type === "secret" ? "Client secret" : "Certificate"}${first.name ? ` "${first.name}"` : ""} expires ${when}`
          : `${expiring.length} credentials expire within ${warnDays} days (the first ${when})`,
      evidence,
    };
  },
});
