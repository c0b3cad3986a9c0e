import { API_USE_SIGNALS } from "../api-use-signals.js";
import { DAY_MS, daysBetween, isoDay } from "../iso-day.js";
import { latest, latestActivity } from "../latest-activity.js";
import type { Evidence } from "../model.js";
import { defineRule } from "./rule-definition.js";

/**
 * Dormancy is the absence of activity in EVERY signal: REST calls, UI logins, last_login_time,
 * Basic auth last seen, OAuth tokens issued, and warden's remembered last activity. Recent activity
 * in any of them rules it out, even when another signal is blind. Otherwise, a blind API signal
 * leaves it undecided: the account may be in use where warden cannot see, and dormancy means
 * "disable it". It also needs evidence reaching back `dormantDays`: the source's API log keeps ~8
 * weeks, so the span is the longer of that log and warden's own observation history. Interactive
 * logins also update last_login_time, which is always read, so it does not need the login history.
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
  signals: API_USE_SIGNALS,
  judge({ identity, history, options, read }) {
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
    return {
      severity: identity.privilegedRoles.length > 0 ? "critical" : "high",
      summary,
      evidence,
    };
  },
});
