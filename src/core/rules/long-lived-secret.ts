import { LONG_LIVED_SECRET_DAYS } from "../credential-limits.js";
import { describeCredential } from "../describe-credential.js";
import { DAY_MS, isoDay } from "../iso-day.js";
import type { Credential, Evidence } from "../model.js";
import { appliesToKinds } from "./applies-to-kinds.js";
import { defineRule } from "./rule-definition.js";

/** Whole days a credential is valid for, from its start to its end. */
function validDays(c: Credential): number {
  return Math.floor(((c.expiresAt?.getTime() ?? 0) - (c.createdAt?.getTime() ?? 0)) / DAY_MS);
}

/**
 * A client secret valid for more than LONG_LIVED_SECRET_DAYS from its start to its end. Secrets
 * only: a certificate's private key does not travel in configuration files the way a secret does.
 * Only secrets still valid count (an expired one is credential_expired's), and only those whose
 * start and end Graph gives.
 */
export const longLivedSecret = defineRule({
  name: "long_lived_secret",
  title: "Long-lived secret",
  opened: "got a client secret valid for more than 180 days",
  resolved: "replaced their long-lived secrets",
  remediation: "replace_secret",
  remediationText: `Replace it with a certificate, or a secret valid for ${LONG_LIVED_SECRET_DAYS} days or less`,
  weight: 0.25,
  signals: [],
  appliesTo: appliesToKinds("entra"),
  judge({ identity, options }) {
    const { now } = options;
    const limit = LONG_LIVED_SECRET_DAYS * DAY_MS;
    const long = (identity.credentials ?? [])
      .filter(
        (c) =>
          c.type === "secret" &&
          c.createdAt !== undefined &&
          c.expiresAt !== undefined &&
          c.expiresAt > now &&
          c.expiresAt.getTime() - c.createdAt.getTime() > limit,
      )
      .sort((a, b) => validDays(b) - validDays(a));
    const [longest] = long;
    if (!longest?.expiresAt) return undefined;
    const evidence: Evidence[] = long.map((c) => ({
      signal: "credentials",
      detail: `${describeCredential(c)} is valid for ${validDays(c)} days, ${isoDay(c.createdAt as Date)} to ${isoDay(c.expiresAt as Date)}`,
    }));
    return {
      severity: "medium",
      summary:
        long.length === 1
          ? `Client secret${longest.name ? ` "${longest.name}"` : ""} is valid for ${validDays(longest)} days (until ${isoDay(longest.expiresAt)})`
          : `${long.length} client secrets valid for more than ${LONG_LIVED_SECRET_DAYS} days (the longest for ${validDays(longest)} days)`,
      evidence,
    };
  },
});
