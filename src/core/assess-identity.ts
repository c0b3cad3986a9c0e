import type {
  ActivityHistory,
  BlindSpot,
  Evidence,
  Finding,
  MachineIdentity,
  RuleName,
  Signal,
} from "./model.js";

export interface AssessOptions {
  now: Date;
  /** No API call and no UI login for this many days makes an account dormant (DORMANT_DAYS). */
  dormantDays: number;
  /** Signals this scan could not read: rules needing them stay silent rather than claim "no risk". */
  blindSpots: readonly BlindSpot[];
  /** How far back the source's API log reaches (it keeps only ~8 weeks). */
  apiLogSince?: Date | undefined;
}

const DAY = 86_400_000;

/** The signals each rule rests on; a rule whose signal is blind neither fires nor resolves. */
export const RULE_SIGNALS: Readonly<Record<RuleName, readonly Signal[]>> = {
  dormant: ["api_calls"],
  basic_auth: ["auth_methods"],
  wsao_disabled: ["api_calls"],
  ui_and_api: ["ui_logins", "api_calls"],
  no_owner: ["owners"],
  privileged: ["roles"],
};

/** True when the account can no longer authenticate: disabled accounts carry no risk. */
export function isDisabled(identity: Pick<MachineIdentity, "active" | "lockedOut">): boolean {
  return !identity.active || identity.lockedOut;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
const daysBetween = (from: Date, to: Date): number => Math.floor((to.getTime() - from.getTime()) / DAY);

function latest(...dates: (Date | undefined)[]): Date | undefined {
  let best: Date | undefined;
  for (const date of dates) if (date && (!best || date > best)) best = date;
  return best;
}

/**
 * Applies the six risk rules to one identity. Pure: same inputs, same findings. Each finding says
 * what it rests on and how far back that evidence reaches.
 */
export function assessIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Finding[] {
  if (isDisabled(identity)) return [];
  const blind = new Set(options.blindSpots.map((b) => b.signal));
  const sees = (rule: RuleName) => RULE_SIGNALS[rule].every((s) => !blind.has(s));
  const findings: Finding[] = [];
  const calls = identity.apiCalls30d;
  const since30 = new Date(options.now.getTime() - 30 * DAY);

  if (sees("dormant")) {
    const dormant = assessDormancy(identity, history, options);
    if (dormant) findings.push(dormant);
  }

  const basic = identity.authMethods30d?.basic ?? 0;
  if (sees("basic_auth") && identity.authMethods30d && basic > 0) {
    const seen = identity.lastBasicAuthAt ? `, last on ${day(identity.lastBasicAuthAt)}` : "";
    findings.push({
      rule: "basic_auth",
      severity: identity.privilegedRoles.length > 0 ? "critical" : "high",
      summary: `Uses Basic auth (username and password) for API calls${seen}`,
      evidence: [
        {
          signal: "auth_methods",
          // The usage record's count is cumulative; it is current because last_seen is within 30 days.
          detail: `Basic-auth usage record: ${basic} use(s) in all${seen}`,
          since: since30,
        },
      ],
      remediation: "move_to_oauth",
    });
  }

  if (sees("wsao_disabled") && calls > 0 && !identity.webServiceAccessOnly) {
    findings.push({
      rule: "wsao_disabled",
      severity: "high",
      summary: `Makes API calls but may also log into the UI (Web Service Access Only is off)`,
      evidence: [
        { signal: "api_calls", detail: `${calls} REST call(s) in the last 30 days`, since: since30 },
        { signal: "state", detail: "web_service_access_only is false" },
      ],
      remediation: "restrict",
    });
  }

  const ui = identity.uiLogins30d ?? 0;
  if (sees("ui_and_api") && identity.uiLogins30d !== undefined && ui > 0 && calls > 0) {
    findings.push({
      rule: "ui_and_api",
      severity: "high",
      summary: `Logs into the UI and calls APIs (${ui} UI login(s), ${calls} API call(s) in 30 days)`,
      evidence: [
        { signal: "ui_logins", detail: `${ui} interactive login(s) in the last 30 days`, since: since30 },
        { signal: "api_calls", detail: `${calls} REST call(s) in the last 30 days`, since: since30 },
      ],
      remediation: "split_or_restrict",
    });
  }

  if (sees("no_owner")) {
    const problem = ownerProblem(identity);
    if (problem) {
      findings.push({
        rule: "no_owner",
        severity: "medium",
        summary: problem,
        evidence: [{ signal: "owners", detail: problem }],
        remediation: "assign_owner",
      });
    }
  }

  if (sees("privileged") && identity.privilegedRoles.length > 0) {
    findings.push({
      rule: "privileged",
      severity: identity.webServiceAccessOnly ? "high" : "critical",
      summary: `Holds privileged role(s): ${identity.privilegedRoles.join(", ")}`,
      evidence: [{ signal: "roles", detail: `Roles: ${identity.roles.join(", ")}` }],
      remediation: "reduce_roles",
    });
  }
  return findings;
}

function ownerProblem(identity: MachineIdentity): string | undefined {
  const owner = identity.owner;
  if (!owner) {
    return identity.ownerRef ? "Owner reference points to a user that no longer exists" : "No owner is set";
  }
  if (!owner.active) return `Owner ${owner.name} (${owner.userName}) is no longer active`;
  if (!owner.email) return `Owner ${owner.name} (${owner.userName}) has no email address`;
  return undefined;
}

/**
 * Dormancy needs evidence reaching back `dormantDays`. The source's API log keeps ~8 weeks, so the
 * span of evidence is the longer of that log and warden's own observation history. Activity is the
 * latest of: API calls, UI logins, the source's last_login_time, and warden's remembered last activity.
 */
function assessDormancy(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Finding | undefined {
  const { now, dormantDays } = options;
  const threshold = new Date(now.getTime() - dormantDays * DAY);
  const lastActive = latest(
    identity.lastApiCallAt,
    identity.lastUiLoginAt,
    identity.lastLoginAt,
    identity.lastBasicAuthAt,
    history?.lastActiveAt,
  );
  if (lastActive && lastActive >= threshold) return undefined;
  // A young account has simply not had time to be dormant.
  if (identity.createdAt && identity.createdAt > threshold) return undefined;

  const observedFrom = [options.apiLogSince, history?.firstObservedAt]
    .filter((d): d is Date => d !== undefined)
    .reduce<Date | undefined>((a, b) => (a && a < b ? a : b), undefined);
  const evidence: Evidence[] = [
    {
      signal: "api_calls",
      detail: options.apiLogSince
        ? `No REST call in the transaction log, which reaches back to ${day(options.apiLogSince)}`
        : "No REST call in the transaction log",
      since: options.apiLogSince,
    },
  ];
  if (history) {
    evidence.push({
      signal: "history",
      detail: history.lastActiveAt
        ? `warden last saw activity on ${day(history.lastActiveAt)} (observing since ${day(history.firstObservedAt)})`
        : `warden has seen no activity since it started observing on ${day(history.firstObservedAt)}`,
      since: history.firstObservedAt,
    });
  }
  evidence.push({
    signal: "state",
    detail: identity.lastLoginAt
      ? `last_login_time is ${day(identity.lastLoginAt)}`
      : "last_login_time is empty (normal for API-only accounts)",
  });
  const covered = observedFrom !== undefined && observedFrom <= threshold;
  if (!covered) {
    evidence.push({
      signal: "history",
      detail: `Evidence covers ${observedFrom ? daysBetween(observedFrom, now) : 0} of ${dormantDays} days; activity before that is unknown`,
      since: observedFrom,
    });
  }
  const summary = lastActive
    ? `No API call or UI login for ${daysBetween(lastActive, now)} days (last activity ${day(lastActive)})`
    : covered
      ? `No API call or UI login for at least ${dormantDays} days`
      : `No API call or UI login on record (evidence covers ${observedFrom ? daysBetween(observedFrom, now) : 0} days)`;
  return {
    rule: "dormant",
    severity: identity.privilegedRoles.length > 0 ? "critical" : "high",
    summary,
    evidence,
    remediation: "disable",
  };
}
