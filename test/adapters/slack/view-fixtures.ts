import type { Finding, RuleName } from "../../../src/core/model.js";
import type { DigestView } from "../../../src/messages/build-digest.js";
import type { LookupView } from "../../../src/messages/build-lookup.js";
import type {
  DecisionLineView,
  OwnerAccountView,
  OwnerMessageView,
} from "../../../src/messages/build-owner-messages.js";

/** Hand-built views for the Slack and Teams renderer tests (no database). */
export const NOW = new Date("2026-11-23T10:30:00Z");
export const LONG = `svc_${"integration_&_<sync>_".repeat(300)}`;
const RULES: RuleName[] = ["dormant", "basic_auth", "wsao_disabled", "ui_and_api", "no_owner", "privileged"];

export function finding(rule: RuleName, detail = "No API call or UI login since 2026-07-01"): Finding {
  return {
    rule,
    severity: rule === "privileged" ? "critical" : "high",
    summary: `${rule} finding for this account`,
    evidence: [{ signal: "api_calls", detail }],
    remediation: rule === "dormant" ? "disable" : "restrict",
  };
}

export function account(i: number, overrides: Partial<OwnerAccountView> = {}): OwnerAccountView {
  const wsao = i % 3 === 0;
  return {
    source: "servicenow",
    accountId: `a${String(i).padStart(31, "0")}`,
    userName: `svc_account_${i}`,
    name: `Integration account ${i}`,
    active: true,
    webServiceAccessOnly: wsao,
    findings: [
      finding(RULES[i % RULES.length]!),
      finding("basic_auth", "Basic auth used 12 times in 30 days"),
    ],
    risk: 0.8,
    uniqueApiCalls7d: [
      { method: "GET", path: "/api/now/table/incident", count: 120 },
      { method: "POST", path: "/api/now/table/change_request", count: 4 },
    ],
    authMethods30d: { basic: 12, oauth: 0, other: 1 },
    actions: wsao ? ["disable", "keep", "not_mine"] : ["disable", "restrict", "keep", "not_mine"],
    ...overrides,
  };
}

export function ownerMessage(
  count: number,
  make: (i: number) => OwnerAccountView = account,
): OwnerMessageView {
  return {
    owner: { id: "o1", userName: "alice", name: "Alice Example", email: "alice@acme.example", active: true },
    accounts: Array.from({ length: count }, (_, i) => make(i)),
  };
}

export function decision(overrides: Partial<DecisionLineView> = {}): DecisionLineView {
  return {
    decisionId: 42,
    action: "disable",
    actor: "alice@acme.example",
    at: new Date("2026-11-23T10:02:00Z"),
    outcome: "applied",
    undoUntil: new Date("2026-11-24T10:02:00Z"),
    ...overrides,
  };
}

export function digest(
  size: number,
  problem: string | undefined = undefined,
  text: (i: number) => string = (i) => `svc_${i}`,
): DigestView {
  return {
    generatedAt: NOW,
    lastScan: { at: new Date("2026-11-20T02:00:00Z"), status: "succeeded", error: undefined, problem },
    score: {
      value: 65,
      previous: 72,
      reason: "72 → 65: 3 accounts started using Basic auth",
      population: size * 2,
      risky: size,
    },
    byRule: RULES.map((rule, i) => ({ rule, accounts: size - i, points: i + 1 })),
    newFindings: Array.from({ length: size }, (_, i) => ({
      source: "servicenow",
      accountId: `n${i}`,
      userName: text(i),
      rule: "basic_auth" as const,
      summary: `Basic auth used ${i} times`,
    })),
    fixedFindings: Array.from({ length: size }, (_, i) => ({
      source: "servicenow",
      accountId: `f${i}`,
      userName: text(i),
      rule: "dormant" as const,
      summary: "fixed",
    })),
    // A digest carries its riskiest few and the count of all (DIGEST_TOP_ACCOUNTS).
    riskiest: {
      top: Array.from({ length: Math.min(size, 10) }, (_, i) => ({
        source: "servicenow",
        accountId: `r${i}`,
        userName: text(i),
        name: `Riskiest ${i}`,
        ownerName: i % 2 ? undefined : "Bob",
        rules: RULES.slice(0, 1 + (i % 6)),
        risk: 1 - i / (size + 1),
      })),
      total: size,
    },
    unansweredOwners: Array.from({ length: size }, (_, i) => ({
      owner: `owner${i}@acme.example`,
      accounts: i + 1,
      since: new Date("2026-11-01T00:00:00Z"),
    })),
    blindSpots: [{ signal: "auth_methods", table: "sys_auth_history", reason: "403: role missing" }],
  };
}

export function lookupFound(size = 3, text = "detail"): LookupView {
  return {
    found: true,
    identity: {
      source: "servicenow",
      id: "0123456789abcdef0123456789abcdef",
      userName: "svc_cmdb_sync",
      name: "CMDB sync",
      active: true,
      attributes: { kind: "servicenow", lockedOut: false, webServiceAccessOnly: false },
      roles: Array.from({ length: size }, (_, i) => `role_${i}`),
      privilegedRoles: ["admin"],
      owner: { id: "o1", userName: "alice", name: "Alice", email: "alice@acme.example", active: true },
      apiCalls30d: 1200,
      uiLogins30d: 3,
      uniqueApiCalls7d: Array.from({ length: size }, (_, i) => ({
        method: "GET",
        path: `/api/now/table/t${i}`,
        count: i,
      })),
      authMethods30d: { basic: 3, oauth: 5, other: 0 },
      discoveredBy: ["api_activity"],
    },
    firstSeenAt: new Date("2026-01-01T00:00:00Z"),
    lastSeenAt: NOW,
    openFindings: Array.from({ length: size }, (_, i) => ({
      ...finding(RULES[i % 6]!, text),
      id: i,
      source: "servicenow",
      accountId: "0123456789abcdef0123456789abcdef",
      firstSeenAt: new Date("2026-02-01T00:00:00Z"),
      lastSeenAt: NOW,
      resolvedAt: undefined,
      acceptedUntil: undefined,
    })),
    resolvedFindings: [],
    decisions: Array.from({ length: size }, (_, i) => ({
      action: "keep",
      actor: "alice@acme.example",
      decidedAt: NOW,
      outcome: "applied",
      reason: `${text} ${i}`,
    })),
  };
}

/** An Entra service principal with an expired secret, as an owner message shows it. */
export function entraAccount(overrides: Partial<OwnerAccountView> = {}): OwnerAccountView {
  return {
    source: "entra",
    sourceKind: "entra",
    accountId: "5b0c7a1e-2f3d-4e5a-8b6c-7d8e9f0a1b2c",
    userName: "payroll-sync",
    name: "payroll-sync",
    active: true,
    webServiceAccessOnly: true,
    findings: [finding("no_owner")],
    risk: 0.5,
    uniqueApiCalls7d: [],
    authMethods30d: undefined,
    actions: ["remove_expired_credential", "disable", "keep", "not_mine"],
    ...overrides,
  };
}
