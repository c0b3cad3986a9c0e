import fc from "fast-check";
import { RULE_NAMES } from "../../../src/core/model.js";
import { ALERT_ACCOUNTS_PER_RULE, type AlertView } from "../../../src/messages/build-alert.js";
import type { DigestView } from "../../../src/messages/build-digest.js";
import type { LookupView } from "../../../src/messages/build-lookup.js";
import type {
  DecisionLineView,
  OwnerAccountView,
  OwnerMessageView,
} from "../../../src/messages/build-owner-messages.js";
import type { FollowUpView } from "../../../src/notify/enqueue-follow-ups.js";
import { HOSTILE } from "../../helpers/rendered-text.js";
import { account, digest, lookupFound, NOW } from "./view-fixtures.js";

/** Mentions, links and formatting an attacker would put in a name, mixed with ordinary text. */
export const hostileText = fc
  .tuple(
    fc.array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 })), { maxLength: 8 }),
    fc.constantFrom(" ", "", "\n", "\n\n- ", "\n1. "),
  )
  .map(([parts, separator]) => parts.join(separator));

/** Random text: short, very long, or hostile, with the characters Slack and markdown treat specially. */
export const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom("a", "&", "<", ">", "*", "_", "`", "[", "]", "(", ")", "\\", "é", "😀", " ", "\n"),
    maxLength: 4000,
  }),
  hostileText,
);
const date = fc.date({
  min: new Date("2026-01-01T00:00:00Z"),
  max: new Date("2027-01-01T00:00:00Z"),
  noInvalidDate: true,
});

export const anyDecision: fc.Arbitrary<DecisionLineView | undefined> = fc.option(
  fc.record({
    decisionId: fc.nat(),
    action: fc.constantFrom("disable", "restrict", "keep", "not_mine", "undo"),
    actor: anyText,
    at: date,
    outcome: fc.constantFrom("applied", "dry_run", "already", "failed", "ticketed"),
    // A ticket number and link as stored: the instance's, or anything a tampered view could hold.
    ticket: fc.option(
      fc.record({
        number: fc.oneof(fc.constantFrom("INC0010001", "CHG0030002", "SCTASK0010003"), anyText),
        url: fc.oneof(
          fc.constant(
            "https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=0123456789abcdef0123456789abcdef",
          ),
          anyText,
        ),
        doneAt: fc.option(date, { nil: undefined }),
      }),
      { nil: undefined },
    ),
    reason: fc.option(anyText, { nil: undefined }),
    expiresAt: fc.option(date, { nil: undefined }),
    error: fc.option(anyText, { nil: undefined }),
    undoUntil: fc.option(date, { nil: undefined }),
  }),
  { nil: undefined },
);

export const anyAccount: fc.Arbitrary<OwnerAccountView> = fc
  .record({
    i: fc.nat(1000),
    userName: anyText,
    name: anyText,
    accountId: fc.oneof(
      fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 32, maxLength: 32 }),
      fc.string({ maxLength: 2500 }),
    ),
    rules: fc.array(fc.constantFrom(...RULE_NAMES), { minLength: 1, maxLength: 8 }),
    detail: anyText,
    calls: fc.nat(300),
    decision: anyDecision,
  })
  .map(({ i, userName, name, accountId, rules, detail, calls, decision }) => {
    const base = account(i);
    return {
      ...base,
      userName,
      name,
      accountId,
      findings: rules.map((rule) => ({
        ...base.findings[0]!,
        rule,
        summary: detail,
        evidence: [{ signal: "state" as const, detail }],
      })),
      uniqueApiCalls7d: Array.from({ length: calls }, (_, n) => ({
        method: "GET",
        path: `${detail.slice(0, 200)}/${n}`,
        count: n,
      })),
      decision,
    };
  });

export const anyOwnerMessage: fc.Arbitrary<OwnerMessageView> = fc
  .record({ name: anyText, accounts: fc.array(anyAccount, { maxLength: 80 }), extra: fc.nat(600) })
  .map(({ name, accounts, extra }) => ({
    owner: { id: "o", userName: "o", name, email: "o@acme.example", active: true },
    // Padding with cheap accounts reaches hundreds without slow generation.
    accounts: [...accounts, ...Array.from({ length: extra }, (_, i) => account(i))],
  }));

export const anyDigest: fc.Arbitrary<DigestView> = fc
  .record({
    size: fc.nat(3000),
    text: anyText,
    problem: fc.option(anyText, { nil: undefined }),
    withScore: fc.boolean(),
  })
  .map(({ size, text, problem, withScore }) => {
    const view = digest(size, problem, (i) => `${text}${i}`);
    return withScore
      ? {
          ...view,
          blindSpots: Array.from({ length: size % 50 }, () => ({
            signal: "roles" as const,
            table: text,
            reason: text,
          })),
        }
      : { ...view, score: undefined };
  });

/**
 * Any alert: every rule with up to ALERT_ACCOUNTS_PER_RULE accounts of random (long, hostile) text,
 * out of totals up to 100,000, from one or two sources.
 */
export const anyAlert: fc.Arbitrary<AlertView> = fc
  .record({
    rules: fc.uniqueArray(fc.constantFrom(...RULE_NAMES), { minLength: 1, maxLength: RULE_NAMES.length }),
    text: anyText,
    counts: fc.array(fc.nat(100_000), { minLength: RULE_NAMES.length, maxLength: RULE_NAMES.length }),
    sources: fc.constantFrom(["servicenow"], ["servicenow", "entra"]),
    evidence: fc.nat(2),
    owner: fc.boolean(),
  })
  .map(({ rules, text, counts, sources, evidence, owner }) => {
    const groups = rules.map((rule, r) => {
      const total = Math.max(1, counts[r] ?? 1);
      return {
        rule,
        total,
        accounts: Array.from({ length: Math.min(total, ALERT_ACCOUNTS_PER_RULE) }, (_, i) => ({
          source: sources[i % sources.length] ?? "servicenow",
          accountId: `${text}${i}`,
          userName: `${text}${i}`,
          name: text,
          ownerName: owner ? text : undefined,
          ownerEmail: owner ? `${text}@acme.example` : undefined,
          severity: "critical" as const,
          summary: text,
          evidence: Array.from({ length: evidence }, () => text),
        })),
      };
    });
    return {
      generatedAt: NOW,
      sources: [...sources],
      rules: groups,
      total: groups.reduce((n, g) => n + g.total, 0),
    };
  });

export { NOW };

export const anyLookup: fc.Arbitrary<LookupView> = fc.oneof(
  fc
    .record({ query: anyText, suggestions: fc.array(anyText, { maxLength: 15 }) })
    .map(({ query, suggestions }) => ({ found: false as const, query, suggestions })),
  fc
    .record({ size: fc.nat(40), text: anyText, name: anyText, email: anyText, reason: anyText })
    .map(({ size, text, name, email, reason }) => {
      const view = lookupFound(size, text);
      if (!view.found) return view;
      return {
        ...view,
        identity: {
          ...view.identity,
          userName: text,
          name,
          roles: [text, name],
          owner: { id: "o", userName: name, name, email, active: size % 2 === 0 },
          uniqueApiCalls7d: [{ method: "GET", path: text, count: 1 }],
        },
        openFindings: view.openFindings.map((f) => ({ ...f, summary: reason })),
        decisions: view.decisions.map((d) => ({ ...d, actor: email, reason })),
      };
    }),
);

export const anyFollowUp: fc.Arbitrary<FollowUpView> = fc
  .record({ ownerEmail: anyText, accounts: fc.array(anyAccount, { maxLength: 30 }) })
  .map(({ ownerEmail, accounts }) => ({
    ownerEmail,
    replyTo: undefined,
    originalId: 1,
    sentAt: NOW,
    accounts,
  }));
