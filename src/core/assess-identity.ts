import { shortReason } from "./blind-evidence.js";
import { canAuthenticate } from "./identity-questions.js";
import { DAY_MS, isoDay } from "./iso-day.js";
import type { ActivityHistory, BlindSpot, Evidence, Finding, MachineIdentity, Signal } from "./model.js";
import { type RuleDefinition, remediationFor } from "./rules/rule-definition.js";
import { type Remediation, RULES, type RuleName } from "./rules/rule-registry.js";

export { latestActivity } from "./latest-activity.js";

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
  /**
   * A secret or certificate expiring within this many days is reported (CREDENTIAL_WARN_DAYS;
   * DEFAULT_CREDENTIAL_WARN_DAYS when absent).
   */
  credentialWarnDays?: number | undefined;
  /** Ids of accounts whose owner an admin assigned in chat: they have an owner, whatever the source says. */
  assignedOwners?: ReadonlySet<string> | undefined;
}

/** True when the account can no longer authenticate: disabled accounts carry no risk. */
export function isDisabled(identity: Pick<MachineIdentity, "active" | "attributes">): boolean {
  return !canAuthenticate(identity);
}

/** What one signal said about one account, as evidence. */
export interface Reading {
  evidence: Evidence;
  /** The signal could not be read in this scan. */
  blind: boolean;
  /** It shows API use in the last 30 days. */
  used30d: boolean;
}

/** What every signal said about one account: the evidence rules cite and decide on. */
export interface SignalReadings {
  /** The API-use signals (REST calls, Basic auth, OAuth tokens), in that order. */
  api: Reading[];
  ui: Reading;
  /** last_login_time, always read. */
  lastLogin: Evidence;
  /** warden's own memory of the account. */
  history: Evidence;
  /** Some readable signal shows API use in the last 30 days. */
  apiUsed: boolean;
  /** No readable signal shows API use, and none is blind: the account demonstrably uses no API. */
  apiSurelyUnused: boolean;
}

function readings(
  identity: MachineIdentity,
  options: AssessOptions,
  history: ActivityHistory | undefined,
): SignalReadings {
  const blindReason = new Map(options.blindSpots.map((b) => [b.signal, b.reason]));
  const since30 = new Date(options.now.getTime() - 30 * DAY_MS);
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
    const last = identity.lastApiCallAt ? `, last on ${isoDay(identity.lastApiCallAt)}` : "";
    const kept = options.apiLogSince ? ` (log kept since ${isoDay(options.apiLogSince)})` : "";
    if (calls > 0) return seen("api_calls", `REST calls: ${calls} in 30 days${last}`, true, since30);
    if (identity.lastApiCallAt) return seen("api_calls", `REST calls: none in 30 days${last}${kept}`, false);
    return seen("api_calls", `REST calls: none in the transaction log${kept}`, false, options.apiLogSince);
  };
  const basic = (): Reading => {
    const last = identity.lastBasicAuthAt;
    if (!last) return seen("auth_methods", "Basic auth: no usage record", false);
    const uses = identity.authMethods30d?.basic ?? 0;
    const count = uses > 0 ? ` (usage record: ${uses} use(s) in all)` : "";
    return seen("auth_methods", `Basic auth: last seen ${isoDay(last)}${count}`, last >= since30);
  };
  const oauth = (): Reading => {
    const last = identity.lastOAuthTokenAt;
    const recent = identity.oauthTokens30d ?? 0;
    if (!last && recent === 0) {
      const kept = options.oauthTokensSince
        ? `, the oldest it still holds is from ${isoDay(options.oauthTokensSince)}`
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
      `OAuth token issued: ${last ? isoDay(last) : "within 30 days"}${count}`,
      recent > 0 || (last !== undefined && last >= since30),
    );
  };
  const ui = (): Reading => {
    const logins = identity.uiLogins30d ?? 0;
    const last = identity.lastUiLoginAt ? `, last on ${isoDay(identity.lastUiLoginAt)}` : "";
    if (logins > 0) return seen("ui_logins", `UI logins: ${logins} in 30 days${last}`, false, since30);
    const kept = options.uiLoginLogSince ? ` (history kept since ${isoDay(options.uiLoginLogSince)})` : "";
    return seen("ui_logins", `UI logins: none in 30 days${kept}`, false, options.uiLoginLogSince);
  };

  const api = [
    blind("api_calls", "REST calls") ?? rest(),
    blind("auth_methods", "Basic auth") ?? basic(),
    blind("oauth_tokens", "OAuth tokens") ?? oauth(),
  ];
  return {
    api,
    apiUsed: api.some((r) => r.used30d),
    apiSurelyUnused: api.every((r) => !r.blind && !r.used30d),
    ui: blind("ui_logins", "UI logins") ?? ui(),
    lastLogin: {
      signal: "state",
      detail: identity.lastLoginAt
        ? `Last login (last_login_time): ${isoDay(identity.lastLoginAt)}`
        : "Last login (last_login_time): never (normal for API-only accounts)",
    } satisfies Evidence,
    history: {
      signal: "history",
      detail: !history
        ? "warden history: first scan of this account"
        : history.lastActiveAt
          ? `warden history: last active ${isoDay(history.lastActiveAt)} (observing since ${isoDay(history.firstObservedAt)})`
          : `warden history: no activity seen since it started observing on ${isoDay(history.firstObservedAt)}`,
      since: history?.firstObservedAt,
    } satisfies Evidence,
  };
}

/** What the rules concluded about one identity. */
export interface Judgement<Rule extends string = RuleName, Fix extends string = Remediation> {
  findings: Finding<Rule, Fix>[];
  /**
   * Rules that could not be decided because a signal they need was blind and what could be read
   * does not settle them: an earlier finding of such a rule is neither confirmed nor resolved.
   */
  undecided: Rule[];
}

/** Applies the registered risk rules (or `rules`) to one identity; see judgeIdentity. */
export function assessIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Finding[];
export function assessIdentity<Rule extends string, Fix extends string>(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
  rules: readonly RuleDefinition<Rule, Fix>[],
): Finding<Rule, Fix>[];
export function assessIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
  rules: readonly RuleDefinition[] = RULES,
): Finding<string, string>[] {
  return judgeIdentity(identity, history, options, rules).findings;
}

/**
 * Applies the registered risk rules (or `rules`), in order, to one identity. Pure: same inputs,
 * same findings. Each finding lists the signals it looked at and what each said, blind ones
 * included, and how far back they reach. A disabled account carries no risk: no rule runs.
 */
export function judgeIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
): Judgement;
export function judgeIdentity<Rule extends string, Fix extends string>(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
  rules: readonly RuleDefinition<Rule, Fix>[],
): Judgement<Rule, Fix>;
export function judgeIdentity(
  identity: MachineIdentity,
  history: ActivityHistory | undefined,
  options: AssessOptions,
  rules: readonly RuleDefinition[] = RULES,
): Judgement<string, string> {
  const judgement: Judgement<string, string> = { findings: [], undecided: [] };
  if (isDisabled(identity)) return judgement;
  const blind = new Set(options.blindSpots.map((b) => b.signal));
  const read = readings(identity, options, history);
  const sees = (...signals: Signal[]) => signals.every((s) => !blind.has(s));
  for (const rule of rules) {
    if (rule.appliesTo && !rule.appliesTo(identity)) continue;
    const seesAll = rule.signals.every((s) => !blind.has(s));
    const verdict = rule.judge({ identity, history, options, read, seesAll, sees });
    if (verdict === "undecided") judgement.undecided.push(rule.name);
    else if (verdict) {
      judgement.findings.push({
        rule: rule.name,
        severity: verdict.severity,
        summary: verdict.summary,
        evidence: verdict.evidence,
        remediation: remediationFor(rule, identity).remediation,
      });
    }
  }
  return judgement;
}
