import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderDigestBlocks } from "../../src/adapters/slack/render/render-digest-blocks.js";
import { renderFollowUpBlocks } from "../../src/adapters/slack/render-follow-up-blocks.js";
import { renderDigestCard } from "../../src/adapters/teams/render/render-digest-card.js";
import { renderDigestText } from "../../src/adapters/terminal/render-digest-text.js";
import type { OwnerAccountView } from "../../src/messages/build-owner-messages.js";
import type { FollowUpView } from "../../src/notify/enqueue-follow-ups.js";
import type { MessageRef } from "../../src/notify/message-ref.js";
import {
  decodeOutboxMessage,
  encodeOutboxMessage,
  OUTBOX_KINDS,
  type OutboxMessage,
} from "../../src/notify/outbox-message.js";
import {
  anyAccount,
  anyAlert,
  anyDecision,
  anyDigest,
  anyFollowUp,
  anyOwnerMessage,
  anyText,
} from "../adapters/slack/view-arbitraries.js";
import { entraAccount } from "../adapters/slack/view-fixtures.js";

/** Any valid date, the far past and future included (expanded ISO years). */
const anyDate = fc.date({ noInvalidDate: true });
const maybeDate = fc.option(anyDate, { nil: undefined });

/** The stored text, as the outbox keeps it, read back. */
const roundTrip = (platform: string, message: OutboxMessage) =>
  decodeOutboxMessage(
    platform,
    message.kind,
    JSON.parse(JSON.stringify(encodeOutboxMessage(platform, message))) as unknown,
  );

/** An account with every date it can carry set at random. */
const datedAccount: fc.Arbitrary<OwnerAccountView> = fc
  .record({
    account: anyAccount,
    decision: anyDecision,
    at: anyDate,
    since: maybeDate,
    acceptedUntil: maybeDate,
    assigned: fc.boolean(),
  })
  .map(({ account, decision, at, since, acceptedUntil, assigned }) => ({
    ...account,
    findings: account.findings.map((f) => ({
      ...f,
      evidence: f.evidence.map((e) => ({ ...e, since })),
      ...(acceptedUntil ? { acceptedUntil } : {}),
    })),
    decision: decision && { ...decision, at },
    assigned: assigned ? { by: "admin@acme.example", at } : undefined,
  }));

const slackRef: MessageRef = { platform: "slack", channel: "DRAJ", ts: "1700000000.000100" };
const teamsRef: MessageRef = {
  platform: "teams",
  conversationId: "a:1xyz",
  activityId: "1:abc",
  serviceUrl: "https://smba.trafficmanager.net/emea/",
};

const anyMessage: fc.Arbitrary<OutboxMessage> = fc.oneof(
  fc
    .record({ view: anyOwnerMessage, accounts: fc.array(datedAccount, { maxLength: 5 }), sentAt: maybeDate })
    .map(({ view, accounts, sentAt }) => ({
      kind: "owner_message" as const,
      view: {
        ...view,
        accounts: [...accounts, ...view.accounts.slice(0, 20)],
        supersededBy: sentAt && { outboxId: 7, sentAt },
      },
    })),
  fc
    .record({
      kind: fc.constantFrom("unowned" as const, "not_mine" as const),
      accounts: fc.array(datedAccount, { maxLength: 5 }),
      at: anyDate,
      by: anyText,
      reroute: fc.boolean(),
    })
    .map(({ kind, accounts, at, by, reroute }) => ({
      kind,
      view: reroute
        ? { accounts, unreachableOwner: by, reason: "users_not_found", ownerRetried: true }
        : {
            accounts,
            disowned: {
              by,
              at,
              ownerOfRecord: { name: by, email: undefined },
              ownerFrom: "source" as const,
              source: "servicenow",
            },
          },
    })),
  fc
    .record({ view: anyDigest, generatedAt: anyDate, since: anyDate })
    .map(({ view, generatedAt, since }) => ({
      kind: "digest" as const,
      view: {
        ...view,
        generatedAt,
        lastScan: view.lastScan && { ...view.lastScan, at: since },
        unansweredOwners: [{ owner: "raj.patel@acme.example", accounts: 2, since }],
        undelivered: [
          {
            platform: "slack",
            kind: "owner_message" as const,
            recipient: "x@acme.example",
            since,
            lastError: "users_not_found",
            retrying: true,
          },
        ],
      },
    })),
  fc
    .record({
      kind: fc.constantFrom("reminder" as const, "escalation" as const),
      view: anyFollowUp,
      sentAt: anyDate,
      accounts: fc.array(datedAccount, { maxLength: 5 }),
      replied: fc.boolean(),
    })
    .map(({ kind, view, sentAt, accounts, replied }) => ({
      kind,
      view: {
        ...view,
        sentAt,
        // What a follow-up keeps of an account: what it shows.
        accounts: [...accounts, ...view.accounts].map((a) => ({
          source: a.source,
          accountId: a.accountId,
          userName: a.userName,
          name: a.name,
          findings: a.findings.map((f) => ({ rule: f.rule })),
        })),
        replyTo: replied ? slackRef : undefined,
      },
    })),
  fc
    .record({
      accounts: fc.array(datedAccount, { maxLength: 5 }),
      startedAt: anyDate,
      dueAt: anyDate,
      certifiedAt: anyDate,
      reason: anyText,
      defaultDecision: fc.constantFrom("none" as const, "disable" as const),
    })
    .map(({ accounts, startedAt, dueAt, certifiedAt, reason, defaultDecision }) => ({
      kind: "review_request" as const,
      view: {
        campaign: { id: 3, startedAt, dueAt, defaultDecision, source: "servicenow" },
        owner: { email: "raj.patel@acme.example", name: reason },
        accounts: accounts.map((a) => ({
          ...a,
          campaignId: 3,
          certified: { by: "carol@acme.example", at: certifiedAt, reason },
        })),
      },
    })),
  fc
    .record({
      stage: fc.constantFrom("reminder" as const, "warning" as const, "escalation" as const),
      dueAt: anyDate,
      startedAt: anyDate,
      name: anyText,
      total: fc.nat(),
      disabling: fc.option(fc.nat(), { nil: undefined }),
      mentioned: fc.boolean(),
      mode: fc.constantFrom(undefined, "apply" as const, "dry-run" as const, "ticket" as const),
      defaultDecision: fc.constantFrom("none" as const, "disable" as const),
    })
    .map(({ stage, dueAt, startedAt, name, total, disabling, mentioned, mode, defaultDecision }) => ({
      kind: "review_follow_up" as const,
      view: {
        stage,
        campaign: { id: 4, startedAt, dueAt, defaultDecision },
        ...(stage === "escalation" ? {} : { replyTo: slackRef }),
        owners: [
          {
            email: "raj.patel@acme.example",
            ...(mentioned ? { ref: { platform: "slack", id: "URAJ" } } : {}),
            accounts: [{ source: "servicenow", accountId: "a1", userName: name, name }],
            total,
            ...(disabling === undefined ? {} : { disabling }),
          },
          // Accounts nobody reachable owns: no email.
          { accounts: [], total: 2 },
        ],
        totalOwners: 2,
        ...(mode ? { mode } : {}),
      },
    })),
  fc.nat().map((outboxId) => ({ kind: "message_update" as const, view: { outboxId } })),
  fc
    .record({ view: anyAlert, generatedAt: anyDate })
    .map(({ view, generatedAt }) => ({ kind: "alert" as const, view: { ...view, generatedAt } })),
);

describe("the outbox message codec", () => {
  it("reads back every kind as it was written, every date a Date at the same instant", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(anyMessage, (message) => {
        seen.add(message.kind);
        expect(roundTrip("slack", message)).toEqual(message);
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual([...OUTBOX_KINDS].sort());
  });

  it("keeps a follow-up's original message reference typed per platform", () => {
    const view = { ownerEmail: "raj.patel@acme.example", originalId: 3, sentAt: new Date(0), accounts: [] };
    const teams = roundTrip("teams", { kind: "reminder", view: { ...view, replyTo: teamsRef } });
    expect(teams.kind === "reminder" && teams.view.replyTo).toEqual(teamsRef);
    // The stored form is the platform's own fields, as warden has always stored references.
    expect(
      encodeOutboxMessage("slack", { kind: "reminder", view: { ...view, replyTo: slackRef } }),
    ).toMatchObject({
      replyTo: { channel: "DRAJ", ts: "1700000000.000100" },
    });
  });

  it("stores of a follow-up's accounts only what it shows; one stored with whole account views reads the same", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("reminder" as const, "escalation" as const),
        fc.array(datedAccount, { minLength: 1, maxLength: 5 }),
        (kind, accounts) => {
          const view = {
            ownerEmail: "raj.patel@acme.example",
            originalId: 3,
            sentAt: new Date(0),
            replyTo: slackRef,
          };
          // The follow-up pass hands over whole account views, as follow-ups stored them before.
          const whole = { kind, view: { ...view, accounts } } as OutboxMessage;
          const stored = encodeOutboxMessage("slack", whole) as { accounts: Record<string, unknown>[] };
          for (const a of stored.accounts) {
            expect(Object.keys(a).sort()).toEqual(["accountId", "findings", "name", "source", "userName"]);
            expect(
              (a.findings as Record<string, unknown>[]).every((f) => Object.keys(f).join() === "rule"),
            ).toBe(true);
          }
          const asBefore = {
            ...view,
            replyTo: { channel: "DRAJ", ts: "1700000000.000100" },
            sentAt: "1970-01-01T00:00:00.000Z",
            accounts,
          };
          const old = decodeOutboxMessage("slack", kind, JSON.parse(JSON.stringify(asBefore)));
          const now = decodeOutboxMessage("slack", kind, JSON.parse(JSON.stringify(stored)));
          expect(old).toEqual(now);
          if (old.kind !== "reminder" && old.kind !== "escalation") throw new Error("not a follow-up");
          expect(renderFollowUpBlocks(old.kind, old.view)).toEqual(
            renderFollowUpBlocks(kind, whole.view as FollowUpView),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("stores a finding as a message shows it, not the findings table's copy of it", () => {
    const stored = {
      rule: "dormant" as const,
      severity: "high" as const,
      summary: "No API call or UI login for 142 days",
      evidence: [{ signal: "api_calls" as const, detail: "none", since: new Date("2026-06-01T00:00:00Z") }],
      remediation: "disable" as const,
      id: 12,
      source: "servicenow",
      accountId: "a1",
      firstSeenAt: new Date("2026-07-01T00:00:00Z"),
      lastSeenAt: new Date("2026-11-01T00:00:00Z"),
      resolvedAt: undefined,
      acceptedUntil: new Date("2026-10-01T00:00:00Z"),
    };
    const account = fc.sample(anyAccount, { numRuns: 1, seed: 1 })[0]!;
    const encoded = encodeOutboxMessage("slack", {
      kind: "unowned",
      view: { accounts: [{ ...account, findings: [stored] }] },
    }) as { accounts: { findings: Record<string, unknown>[] }[] };
    expect(Object.keys(encoded.accounts[0]!.findings[0]!).sort()).toEqual(
      ["acceptedUntil", "evidence", "remediation", "rule", "severity", "summary"].sort(),
    );
  });

  it("reads a digest queued before warden named each line's source as ServiceNow's", () => {
    const line = { accountId: "a1", userName: "svc_x", rule: "dormant", summary: "no activity" };
    const decoded = decodeOutboxMessage("slack", "digest", {
      generatedAt: "2026-11-30T09:00:00.000Z",
      byRule: [],
      newFindings: [line],
      fixedFindings: [],
      riskiest: [{ accountId: "a1", userName: "svc_x", name: "X", rules: ["dormant"], risk: 0.6 }],
      unansweredOwners: [],
      undelivered: [],
      blindSpots: [],
    });
    expect(decoded.kind).toBe("digest");
    if (decoded.kind !== "digest") return;
    expect(decoded.view.newFindings[0]?.source).toBe("servicenow");
    expect(decoded.view.riskiest.top[0]?.source).toBe("servicenow");
  });

  it("keeps each source's score in a digest of two sources, and every platform shows it", () => {
    const stored = {
      generatedAt: "2026-11-30T09:00:00.000Z",
      score: { value: 79, population: 48, risky: 24 },
      byRule: [],
      bySource: [
        { source: "servicenow", value: 78, population: 28, risky: 15 },
        { source: "entra", value: 80, population: 20, risky: 9 },
      ],
      newFindings: [],
      fixedFindings: [],
      riskiest: { top: [], total: 0 },
      unansweredOwners: [],
      blindSpots: [],
    };
    const decoded = decodeOutboxMessage("teams", "digest", stored);
    if (decoded.kind !== "digest") throw new Error("not a digest");
    const message: OutboxMessage = { kind: "digest", view: decoded.view };
    const read = roundTrip("teams", message);
    if (read.kind !== "digest") throw new Error("not a digest");
    expect(read.view.bySource).toEqual(stored.bySource);
    const lines = [
      "ServiceNow: 78/100, 28 machine identities, 15 with findings",
      "Entra ID: 80/100, 20 machine identities, 9 with findings",
    ];
    for (const shown of [
      renderDigestText(read.view),
      JSON.stringify(renderDigestBlocks(read.view).blocks),
      JSON.stringify(renderDigestCard(read.view)),
    ]) {
      for (const line of lines) expect(shown).toContain(line);
    }
    // A digest of one source (or one queued before) has no breakdown.
    const single = decodeOutboxMessage("teams", "digest", { ...stored, bySource: undefined });
    if (single.kind !== "digest") throw new Error("not a digest");
    expect(renderDigestText(single.view)).not.toContain("ServiceNow: 78/100");
  });

  it("reads a digest queued with every risky account as its top few and their count, and renders the rest as a count", () => {
    const lines = Array.from({ length: 15 }, (_, i) => ({
      source: "servicenow",
      accountId: `a${i}`,
      userName: `svc_${String(i).padStart(2, "0")}`,
      name: `Account ${i}`,
      rules: ["dormant"],
      risk: 0.9 - i / 100,
    }));
    const stored = {
      generatedAt: "2026-11-30T09:00:00.000Z",
      score: { value: 80, population: 100, risky: 15 },
      byRule: [],
      newFindings: [],
      fixedFindings: [],
      riskiest: lines,
      unansweredOwners: [],
      blindSpots: [],
    };
    const decoded = decodeOutboxMessage("slack", "digest", stored);
    if (decoded.kind !== "digest") throw new Error("not a digest");
    expect(decoded.view.riskiest.total).toBe(15);
    expect(decoded.view.riskiest.top.map((a) => a.userName)).toEqual(
      lines.slice(0, 10).map((a) => a.userName),
    );
    const printed = renderDigestText(decoded.view);
    expect(printed).toContain("svc_00");
    expect(printed).not.toContain("svc_10");
    expect(printed).toContain("… and 5 more");
    const { blocks } = renderDigestBlocks(decoded.view);
    expect(JSON.stringify(blocks)).toMatch(/… and 5 more/);
    // Written again, it is in the new form and reads back the same.
    const again = decodeOutboxMessage(
      "slack",
      "digest",
      JSON.parse(JSON.stringify(encodeOutboxMessage("slack", decoded))),
    );
    expect(again).toEqual(decoded);
  });

  it("rejects a malformed message with a coded error that names the wrong field", () => {
    const decode = (kind: string, json: unknown) => () => decodeOutboxMessage("slack", kind, json);
    expect(decode("digest", { generatedAt: "yesterday" })).toThrow(
      expect.objectContaining({
        code: "E_OUTBOX_MALFORMED",
        message: "the stored digest message is malformed: view.generatedAt is not an ISO date",
      }),
    );
    expect(
      decode("owner_message", { owner: { id: "", userName: "", name: "", email: "e", active: true } }),
    ).toThrow("view.accounts is not a list");
    expect(decode("message_update", {})).toThrow("view.outboxId is not a number");
    expect(
      decode("reminder", {
        ownerEmail: "e",
        replyTo: '{"channel":"D1"}',
        originalId: 1,
        sentAt: new Date(0).toISOString(),
        accounts: [],
      }),
    ).toThrow("view.replyTo is not an object");
    expect(decode("carrier_pigeon", {})).toThrow(
      expect.objectContaining({
        code: "E_OUTBOX_MALFORMED",
        message: "warden knows no outbox message of kind carrier_pigeon",
      }),
    );
  });

  it("keeps an Entra account's kind of source and its Remove expired credential button; older views read as ServiceNow's", () => {
    const owner = { id: "o1", userName: "alice", name: "Alice", email: "alice@example.com", active: true };
    const entra = entraAccount();
    const message: OutboxMessage = { kind: "owner_message", view: { owner, accounts: [entra] } };
    const back = roundTrip("teams", message);
    expect(back.kind === "owner_message" && back.view.accounts[0]).toMatchObject({
      sourceKind: "entra",
      actions: ["remove_expired_credential", "disable", "keep", "not_mine"],
    });
    const { sourceKind: _, ...legacy } = entra;
    const old = roundTrip("slack", {
      kind: "owner_message",
      view: { owner, accounts: [{ ...legacy, source: "servicenow", actions: ["disable", "keep"] }] },
    });
    expect(old.kind === "owner_message" && old.view.accounts[0]?.sourceKind).toBeUndefined();
  });
});
