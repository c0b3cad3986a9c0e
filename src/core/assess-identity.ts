import { canAuthenticate, canLogIntoUi } from "./identity-questions.js";
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
  /** No activity in any signal for this many days makes an account dormant (DORMANT_DAYS). */
  dormantDays: number;
  /** Signals this scan could not read: rules needing them stay silent rather than claim "no risk". */
  blindSpots: readonly BlindSpot[];
  /** How far back the source's API log reaches (it keeps only ~8 weeks). */
  apiLogSince?: Date | undefined;
  /** How far back the source's UI login history reaches (it keeps 30 days). */
  uiLoginLogSince?: Date | undefined;
  /** The oldest OAuth token the source still holds (it drops expired ones). */
  oauthTokensSince?: Date | undefined;
  /** Ids of accounts whose owner an admin assigned in chat: they have an owner, whatever the source says. */
  assignedOwners?: ReadonlySet<string> | undefined;
}

const DAY = 86_400_000;

/** The signals that show an account using APIs; each one alone is evidence of API use. */
export const API_USE_SIGNALS: readonly Signal[] = ["api_calls", "auth_methods", "oauth_tokens"];

/**
 * The signals each rule rests on. A rule that would need a blind signal to decide neither fires
 * nor resolves an earlier finding, unless what it can read settles it: recent activity in any
 * readable signal rules out dormancy, and API use in any readable signal is enough for
 * wsao_disabled (see judgeIdentity). Interactive logins also update last_login_time, which is
 * always read, so dormancy does not need the login history.
 */
export const RULE_SIGNALS: Readonly<Record<RuleName, readonly Signal[]>> = {
  dormant: API_USE_SIGNALS,
  basic_auth: ["auth_methods"],
  wsao_disabled: API_USE_SIGNALS,
  ui_and_api: ["ui_logins", ...API_USE_SIGNALS],
  no_owner: ["owners"],
  privileged: ["roles"],
};

/** True when the account can no longer authenticate: disabled accounts carry no risk. */
export function isDisabled(identity: Pick<MachineIdentity, "active" | "attributes">): boolean {
  return !canAuthenticate(identity);
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
const daysBetween = (from: Date, to: Date): number => Math.floor((to.getTime() - from.getTime()) / DAY);

function latest(...dates: (Date | undefined)[]): Date | undefined {
  let best: Date | undefined;
  for (const date of dates) if (date && (!best || date > best)) best = date;
  return best;
}

/**
 * The latest activity of any kind the scan saw: REST call, UI login, last_login_time, Basic auth
 * last seen, OAuth token issued. It is what warden remembers as the account's history.
 */
export function latestActivity(identity: MachineIdentity): Date | undefined {
  return latest(
    identity.lastApiCallAt,
    identity.lastUiLoginAt,
    identity.lastLoginAt,
    identity.lastBasicAuthAt,
    identity.lastOAuthTokenAt,
  );
}

/** What one signal said about one account, as evidence. */
interface Reading {
  evidence: Evidence;
  /** The signal could not be read in this scan. */
  blind: boolean;
  /** It shows API use in the last 30 days. */
  used30d: boolean;
}

/** A blind spot's reason, short enough for a line of evidence (its first sentence). */
function shortReason(reason: string): string {
  const first = reason.split(/(?<=[^.\d])\. /, 1)[0] ?? reason;
  return first.length > 140 ? `${first.slice(0, 139)}…` : first;
}

function readings(identity: MachineIdentity, options: AssessOptions, history: ActivityHistory | undefined) {
  const blindReason = new Map(options.blindSpots.map((b) => [b.signal, b.reason]));
  const since30 = new Date(options.now.getTime() - 30 * DAY);
  const blind = (signal: Signal, label: string): Reading | undefined => {
    const reason = blindReason.get(signal);
    if (reason === undefined) return undefined;
    return {
      evidence: { signal, detail: `${label}: not readable (${shortReason(reason)})` },
      blind: true,
      used30d: false,
    };
  };
  const seen = (signal: Signal, detail: string, used30d: boolean, since?: Date): Reading => ({
    evidence: { signal, detail, since },
    blind: false,
    used30d,
  });

  const rest = (): Reading => {
    const calls = identity.apiCalls30d;
    const last = identity.lastApiCallAt ? `, last on ${day(identity.lastApiCallAt)}` : "";
    const kept = options.apiLogSince ? ` (log kept since ${day(options.apiLogSince)})` : "";
    if (calls > 0) return seen("api_calls", `REST calls: ${calls} in 30 days${last}`, true, since30);
    if (identity.lastApiCallAt) return seen("api_calls", `REST calls: none in 30 days${last}${kept}`, false);
    return seen("api_calls", `REST calls: none in the transaction log${kept}`, false, options.apiLogSince);
  };
  const basic = (): Reading => {
    const last = identity.lastBasicAuthAt;
    if (!last) return seen("auth_methods", "Basic auth: no usage record", false);
    const uses = identity.authMethods30d?.basic ?? 0;
    const count = uses > 0 ? ` (usage record: ${uses} use(s) in all)` : "";
    return seen("auth_methods", `Basic auth: last seen ${day(last)}${count}`, last >= since30);
  };
  const oauth = (): Reading => {
    const last = identity.lastOAuthTokenAt;
    const recent = identity.oauthTokens30d ?? 0;
    if (!last && recent === 0) {
      const kept = options.oauthTokensSince
        ? `, the oldest it still holds is from ${day(options.oauthTokensSince)}`
        : "";
      return seen(
        "oauth_tokens",
        `OAuth tokens: none issued (the instance drops expired tokens${kept})`,
        false,
      );
    }
    const count = recent > 0 ? ` (${recent} in 30 days)` : "";
    return seen(
      "oauth_tokens",
      `OAuth token issued: ${last ? day(last) : "within 30 days"}${count}`,
      recent > 0 || (last !== undefined && last >= since30),
    );
  };
  const ui = (): Reading => {
    const logins = identity.uiLogins30d ?? 0;
    const last = identity.lastUiLoginAt ? `, last on ${day(identity.lastUiLoginAt)}` : "";
    if (logins > 0) return seen("ui_logins", `UI logins: ${logins} in 30 days${last}`, false, since30);
    const kept = options.uiLoginLogSince ? ` (history kept since ${day(options.uiLoginLogSince)})` : "";
    return seen("ui_logins", `UI logins: none in 30 days${kept}`, false, options.uiLoginLogSince);
  };

  return {
    api: [
      blind("api_calls", "REST calls") ?? rest(),
      blind("auth_methods", "Basic auth") ?? basic(),
      blind("oauth_tokens", "OAuth tokens") ?? oauth(),
    ],
    ui: blind("ui_logins", "UI logins") ?? ui(),
    lastLogin: {
      signal: "state",
      detail: identity.lastLoginAt
        ? `Last login (last_login_time): ${day(identity.lastLoginAt)}`
        : "Last login (last_login_time): never (normal for API-only accounts)",
    } satisfies Evidence,
    history: {
      signal: "history",
      detail: !history
        ? "warden history: first scan of this account"
        : history.lastActiveAt
          ? `warden history: last active ${day(history.lastActiveAt)} (observing since ${day(history.firstObservedAt)})`
          : `warden history: no activity seen since it started observing on ${day(history.firstObservedAt)}`,
      since: history?.firstObservedAt,
    } satisfies Evidence,
  };
}

/** What the rules concluded about one identity. */
export interface Judgement {
  findings: Finding[];
  /**
   * Rules that could not be decided because a signal they need was blind and what could be read
   * does not settle them: an earlier finding of such a rule is neither confirmed nor resolved.
   */
  undecided: RuleName[];
}

/** Applies the six risk rules to one identity; see judgeIdentity. */
export function assessIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Finding[] {
  return judgeIdentity(identity, history, options).findings;
}

/**
 * Applies the six risk rules to one identity. Pure: same inputs, same findings. Each finding lists
 * the signals it looked at and what each said, blind ones included, and how far back they reach.
 */
export function judgeIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Judgement {
  if (isDisabled(identity)) return { findings: [], undecided: [] };
  const blind = new Set(options.blindSpots.map((b) => b.signal));
  const sees = (rule: RuleName) => RULE_SIGNALS[rule].every((s) => !blind.has(s));
  const findings: Finding[] = [];
  const undecided: RuleName[] = [];
  const read = readings(identity, options, history);
  const apiUsed = read.api.some((r) => r.used30d);
  // No readable signal shows API use, and none is blind: the account demonstrably uses no API.
  const apiSurelyUnused = read.api.every((r) => !r.blind && !r.used30d);
  const since30 = new Date(options.now.getTime() - 30 * DAY);

  const dormancy = assessDormancy(identity, history, options, read);
  if (dormancy === "undecided") undecided.push("dormant");
  else if (dormancy) findings.push(dormancy);

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
  } else if (!sees("basic_auth")) undecided.push("basic_auth");

  // ServiceNow's Web Service Access Only: an account that can log into the UI should not be an API account.
  if (canLogIntoUi(identity)) {
    if (apiUsed) {
      findings.push({
        rule: "wsao_disabled",
        severity: "high",
        summary: "Makes API calls but may also log into the UI (Web Service Access Only is off)",
        evidence: [
          ...read.api.map((r) => r.evidence),
          { signal: "state", detail: "web_service_access_only is false" },
        ],
        remediation: "restrict",
      });
    } else if (!apiSurelyUnused) undecided.push("wsao_disabled");
  }

  const ui = identity.uiLogins30d ?? 0;
  const calls = identity.apiCalls30d;
  if (!read.ui.blind && ui > 0 && apiUsed) {
    const api =
      calls > 0
        ? `${calls} API call(s)`
        : read.api
            .filter((r) => r.used30d)
            .map((r) => (r.evidence.signal === "auth_methods" ? "Basic-auth use" : "OAuth tokens issued"))
            .join(", ");
    findings.push({
      rule: "ui_and_api",
      severity: "high",
      summary: `Logs into the UI and calls APIs (${ui} UI login(s), ${api} in 30 days)`,
      evidence: [read.ui.evidence, ...read.api.map((r) => r.evidence)],
      remediation: "split_or_restrict",
    });
  } else if (!(!read.ui.blind && ui === 0) && !apiSurelyUnused) undecided.push("ui_and_api");

  if (options.assignedOwners?.has(identity.id)) {
    // An owner assigned in chat settles the rule (warden messages them), even when the source's
    // owner reference is empty or its signal is blind.
  } else if (sees("no_owner")) {
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
  } else undecided.push("no_owner");

  if (sees("privileged") && identity.privilegedRoles.length > 0) {
    findings.push({
      rule: "privileged",
      severity: canLogIntoUi(identity) ? "critical" : "high",
      summary: `Holds privileged role(s): ${identity.privilegedRoles.join(", ")}`,
      evidence: [{ signal: "roles", detail: `Roles: ${identity.roles.join(", ")}` }],
      remediation: "reduce_roles",
    });
  } else if (!sees("privileged")) undecided.push("privileged");
  return { findings, undecided };
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
 * Dormancy is the absence of activity in EVERY signal: REST calls, UI logins, last_login_time,
 * Basic auth last seen, OAuth tokens issued, and warden's remembered last activity. Recent activity
 * in any of them rules it out, even when another signal is blind. Otherwise, a blind API signal
 * leaves it undecided: the account may be in use where warden cannot see, and dormancy means
 * "disable it". It also needs evidence reaching back `dormantDays`: the source's API log keeps ~8
 * weeks, so the span is the longer of that log and warden's own observation history.
 */
function assessDormancy(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
  read: ReturnType<typeof readings>,
): Finding | "undecided" | undefined {
  const { now, dormantDays } = options;
  const threshold = new Date(now.getTime() - dormantDays * DAY);
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
    ? `No API use or login for ${daysBetween(lastActive, now)} days (last activity ${day(lastActive)})`
    : covered
      ? `No API use or login for at least ${dormantDays} days`
      : `No API use or login on record (evidence covers ${observedFrom ? daysBetween(observedFrom, now) : 0} days)`;
  return {
    rule: "dormant",
    severity: identity.privilegedRoles.length > 0 ? "critical" : "high",
    summary,
    evidence,
    remediation: "disable",
  };
}
