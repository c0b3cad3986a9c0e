import { API_USE_SIGNALS } from "../api-use-signals.js";
import { blindEvidence } from "../blind-evidence.js";
import { describeCredential } from "../describe-credential.js";
import { DAY_MS, daysBetween, isoDay } from "../iso-day.js";
import { latest, latestActivity } from "../latest-activity.js";
import type { Credential, EntraAttributes, Evidence } from "../model.js";
import { defineRule, type RuleContext, type RuleVerdict } from "./rule-definition.js";

/**
 * Dormancy is the absence of activity in EVERY signal, and means "disable it"; recent activity in
 * any readable signal rules it out, even when another one is blind. ServiceNow: REST calls, UI
 * logins, last_login_time, Basic auth last seen, OAuth tokens issued, and warden's remembered last
 * activity. Entra ID: the service principal's sign-ins and its credentials' (see judgeEntra).
 */
export const dormant = defineRule({
  name: "dormant",
  title: "Dormant",
  opened: "became dormant",
  resolved: "dormant accounts dealt with",
  remediation: "disable",
  remediationText: "Disable the account",
  // Dormant accounts are the classic breach path: nobody notices their use.
  weight: 0.6,
  signals: [...API_USE_SIGNALS, "sign_ins"],
  judge(context) {
    return context.identity.attributes.kind === "entra"
      ? judgeEntra(context, context.identity.attributes)
      : judgeServiceNow(context);
  },
});

/**
 * ServiceNow: a blind API signal leaves it undecided (the account may be in use where warden
 * cannot see). It also needs evidence reaching back `dormantDays`: the source's API log keeps ~8
 * weeks, so the span is the longer of that log and warden's own observation history. Interactive
 * logins also update last_login_time, which is always read, so it does not need the login history.
 */
function judgeServiceNow({ identity, history, options, read }: RuleContext): RuleVerdict {
  const { now, dormantDays } = options;
  const threshold = new Date(now.getTime() - dormantDays * DAY_MS);
  const lastActive = latest(latestActivity(identity), history?.lastActiveAt);
  if (lastActive && lastActive >= threshold) return undefined;
  // A young account has simply not had time to be dormant.
  if (identity.createdAt && identity.createdAt > threshold) return undefined;
  if (read.api.some((r) => r.blind)) return "undecided";

  const observedFrom = [options.apiLogSince, history?.firstObservedAt]
    .filter((d): d is Date => d !== undefined)
    .reduce<Date | undefined>((a, b) => (a && a < b ? a : b), undefined);
  const evidence: Evidence[] = [
    ...read.api.map((r) => r.evidence),
    read.ui.evidence,
    read.lastLogin,
    read.history,
  ];
  const covered = observedFrom !== undefined && observedFrom <= threshold;
  if (!covered) {
    evidence.push({
      signal: "history",
      detail: `Evidence covers ${observedFrom ? daysBetween(observedFrom, now) : 0} of ${dormantDays} days; activity before that is unknown`,
      since: observedFrom,
    });
  }
  const summary = lastActive
    ? `No API use or login for ${daysBetween(lastActive, now)} days (last activity ${isoDay(lastActive)})`
    : covered
      ? `No API use or login for at least ${dormantDays} days`
      : `No API use or login on record (evidence covers ${observedFrom ? daysBetween(observedFrom, now) : 0} days)`;
  return { severity: identity.privilegedRoles.length > 0 ? "critical" : "high", summary, evidence };
}

/**
 * Entra ID: no sign-in for `dormantDays` (ENTRA_DORMANT_DAYS, 90 by default as Entra's own
 * "Remove unused applications" recommendation,
 * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/recommendation-remove-unused-apps)
 * in the service principal sign-in report (any flow, as client or resource), with any of its
 * credentials, or in warden's memory. Apps created within that window are left alone, as Entra's
 * recommendation does. The report holds the latest sign-in rather than a log of limited reach,
 * so no coverage span is needed; when it is blind (no licence, no AuditLog.Read.All) the rule is
 * undecided unless a readable credential sign-in settles it.
 */
function judgeEntra(
  { identity, history, options, read, sees }: RuleContext,
  entra: EntraAttributes,
): RuleVerdict {
  const { now, dormantDays } = options;
  const threshold = new Date(now.getTime() - dormantDays * DAY_MS);
  const credentials = identity.credentials ?? [];
  const lastCredential = credentials.reduce<Credential | undefined>(
    (best, c) => (c.lastUsedAt && (!best?.lastUsedAt || c.lastUsedAt > best.lastUsedAt) ? c : best),
    undefined,
  );
  const lastSignIn = latest(entra.lastSignInAt, entra.lastAppOnlySignInAt);
  const lastActive = latest(lastSignIn, lastCredential?.lastUsedAt, history?.lastActiveAt);
  if (lastActive && lastActive >= threshold) return undefined;
  if (identity.createdAt && identity.createdAt > threshold) return undefined;
  if (!sees("sign_ins")) return "undecided";

  const appOnly = entra.lastAppOnlySignInAt
    ? `; app-only as a client ${isoDay(entra.lastAppOnlySignInAt)}`
    : "";
  const evidence: Evidence[] = [
    {
      signal: "sign_ins",
      detail: entra.lastSignInAt
        ? `Last sign-in (service principal sign-in activity): ${isoDay(entra.lastSignInAt)}, ${daysBetween(entra.lastSignInAt, now)} days ago${appOnly}`
        : `Service principal sign-in activity: no sign-in on record${appOnly}`,
    },
    blindEvidence(options.blindSpots, "credential_sign_ins", "Credential sign-ins") ?? {
      signal: "credential_sign_ins",
      detail: lastCredential?.lastUsedAt
        ? `Last sign-in with a credential: ${describeCredential(lastCredential)} on ${isoDay(lastCredential.lastUsedAt)}`
        : `Credential sign-ins: none on record for its ${credentials.length} credential(s)`,
    },
  ];
  if (identity.createdAt) {
    evidence.push({
      signal: "state",
      detail: `Application created ${isoDay(identity.createdAt)}, ${daysBetween(identity.createdAt, now)} days ago`,
    });
  }
  evidence.push(read.history);
  const summary = lastActive
    ? `No sign-in for ${daysBetween(lastActive, now)} days (last ${isoDay(lastActive)})`
    : identity.createdAt
      ? `No sign-in on record since it was created ${daysBetween(identity.createdAt, now)} days ago`
      : `No sign-in on record`;
  return { severity: identity.privilegedRoles.length > 0 ? "critical" : "high", summary, evidence };
}
