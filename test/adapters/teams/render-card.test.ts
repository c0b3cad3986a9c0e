import { describe, expect, it } from "vitest";
import { ACTION_IDS, decodeActionPayload } from "../../../src/actions/action-payload.js";
import type {
  AdaptiveCard,
  CardAction,
  CardElement,
  ExecuteAction,
  ShowCardAction,
} from "../../../src/adapters/teams/render/adaptive-card.js";
import { cardInputId, readCardInput } from "../../../src/adapters/teams/render/card-input-id.js";
import { checkAdaptiveCard } from "../../../src/adapters/teams/render/check-adaptive-card.js";
import { renderAdminAccountsCard } from "../../../src/adapters/teams/render/render-admin-accounts-card.js";
import { renderDigestCard } from "../../../src/adapters/teams/render/render-digest-card.js";
import { renderHelpCard } from "../../../src/adapters/teams/render/render-help-card.js";
import { renderLookupCard } from "../../../src/adapters/teams/render/render-lookup-card.js";
import { renderOwnerMessageCard } from "../../../src/adapters/teams/render/render-owner-message-card.js";
import { renderReviewRequestCard } from "../../../src/adapters/teams/render/render-review-request-card.js";
import { renderUnownedCard } from "../../../src/adapters/teams/render/render-unowned-card.js";
import type { OwnerAccountView } from "../../../src/messages/build-owner-messages.js";
import type { ReviewMessageView } from "../../../src/messages/review-message-view.js";
import { cardShownText } from "../../helpers/rendered-text.js";
import {
  account,
  decision,
  digest,
  entraAccount,
  LONG,
  lookupFound,
  NOW,
  ownerMessage,
} from "../slack/view-fixtures.js";
import { parseWithAdaptiveCards } from "./parse-with-adaptivecards.js";

const check = (card: AdaptiveCard) => checkAdaptiveCard(card, { parse: parseWithAdaptiveCards });
const json = (card: AdaptiveCard) => JSON.stringify(card);
/** The card's text as a reader sees it (Markdown escapes resolved). */
const shown = (card: unknown) => cardShownText(card);

/** Every action in the card, ShowCards' inner ones included. */
function actions(card: { body: CardElement[]; actions?: CardAction[] }): CardAction[] {
  const out: CardAction[] = [];
  const visitAction = (a: CardAction) => {
    out.push(a);
    if (a.type === "Action.ShowCard") out.push(...actions(a.card));
  };
  const visit = (e: CardElement) => {
    if (e.type === "Container") e.items.forEach(visit);
    if (e.type === "ActionSet") e.actions.forEach(visitAction);
  };
  card.body.forEach(visit);
  card.actions?.forEach(visitAction);
  return out;
}
const executes = (card: AdaptiveCard) =>
  actions(card).filter((a): a is ExecuteAction => a.type === "Action.Execute");

describe("renderDigestCard", () => {
  it("summarises 10,000 risky accounts and 10,000 new findings in a valid 1.5 card", () => {
    const card = renderDigestCard(digest(10_000));
    expect(check(card)).toEqual([]);
    expect(card.version).toBe("1.5");
    expect(shown(card)).toContain("Machine Identity Security Score: 65/100");
    expect(shown(card)).toContain("72 → 65: 3 accounts started using Basic auth");
    expect(shown(card)).toMatch(/and 9,99\d more/);
  });

  it("puts a failed or stale scan first", () => {
    const problem = "The last scan failed (2026-11-22T02:00:00.000Z): 401 Unauthorized";
    const card = renderDigestCard(digest(5, problem));
    expect(card.body[0]).toMatchObject({ type: "TextBlock", color: "attention" });
    expect(shown({ ...card, body: [card.body[0]!] })).toContain(problem);
    expect(check(renderDigestCard({ ...digest(0), lastScan: undefined, score: undefined }))).toEqual([]);
  });

  it("stays small with very long strings", () => {
    expect(check(renderDigestCard(digest(200, LONG, () => LONG)))).toEqual([]);
  });
});

describe("renderOwnerMessageCard", () => {
  it("gives an owner of 500 accounts one card under 28 KB with the rest summarised", () => {
    const card = renderOwnerMessageCard(ownerMessage(500), { now: NOW, messageId: 7 });
    expect(check(card)).toEqual([]);
    expect(shown(card)).toMatch(/and 49\d more accounts \(Dormant/);
    expect(shown(card)).toContain("lookup <account>");
  });

  it("uses Action.Execute with the payload as data and an Action.Submit fallback", () => {
    const card = renderOwnerMessageCard(ownerMessage(2), { now: NOW, messageId: 7 });
    const disable = executes(card).find((a) => a.verb === ACTION_IDS.disable)!;
    expect(disable.data).toEqual({
      a: "disable",
      s: "servicenow",
      id: account(0).accountId,
      r: ["dormant", "basic_auth"],
      m: 7,
    });
    expect(decodeActionPayload(disable.data)).toMatchObject({ a: "disable", id: account(0).accountId });
    expect(disable.fallback).toEqual({ type: "Action.Submit", title: "Disable", data: disable.data });
    // Disable and Restrict are confirmed in a ShowCard; Restrict only for the non-WSAO account 1.
    const showCards = actions(card).filter((a): a is ShowCardAction => a.type === "Action.ShowCard");
    expect(showCards.map((a) => a.title)).toEqual([
      "Disable…",
      "Keep…",
      "Disable…",
      "Restrict to API only…",
      "Keep…",
      // The bulk form over both accounts, last (render-bulk-card.ts).
      "Decide for several…",
    ]);
    expect(
      executes(card)
        .filter((a) => a.verb === ACTION_IDS.restrict)
        .map((a) => decodeActionPayload(a.data)?.id),
    ).toEqual([account(1).accountId]);
    expect(json({ ...card, body: [] }) + JSON.stringify(showCards[0])).toContain("locked out");
  });

  it("asks Keep's reason and expiry inside a ShowCard, with ids readable back", () => {
    const card = renderOwnerMessageCard(ownerMessage(1), { now: NOW });
    const keep = actions(card).find(
      (a): a is ShowCardAction => a.type === "Action.ShowCard" && a.title === "Keep…",
    )!;
    const target = { s: "servicenow", id: account(0).accountId };
    expect(keep.card.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "Input.Text",
          id: cardInputId("reason", target),
          isRequired: true,
          label: "Why keep it?",
        }),
        expect.objectContaining({
          type: "Input.ChoiceSet",
          id: cardInputId("expiresInDays", target),
          value: "90",
        }),
      ]),
    );
    expect(keep.card.actions?.[0]).toMatchObject({
      type: "Action.Execute",
      verb: "warden_keep",
      title: "Keep",
    });
    const sent = {
      ...(keep.card.actions![0] as ExecuteAction).data,
      [cardInputId("reason", target)]: " feeds CMDB ",
    };
    expect(readCardInput(sent, "reason", target)).toBe("feeds CMDB");
    expect(readCardInput({ reason: "bare" }, "reason", target)).toBe("bare");
  });

  it("shows a decision's outcome and Undo only inside its window", () => {
    const render = (d: ReturnType<typeof decision>, now = NOW) =>
      renderOwnerMessageCard(
        ownerMessage(1, (i) => account(i + 1, { decision: d })),
        { now, messageId: 3 },
      );
    const open = render(decision());
    expect(shown(open)).toContain("Disabled by alice@acme.example at 2026-11-23 10:02 UTC");
    expect(executes(open).map((a) => a.verb)).toEqual([ACTION_IDS.undo]);
    expect(executes(open)[0]!.data).toMatchObject({ a: "undo", d: 42, m: 3 });
    expect(executes(render(decision(), new Date("2026-11-24T11:00:00Z")))).toEqual([]);
    expect(shown(render(decision({ outcome: "dry_run" })))).toContain("would have been disabled (dry run)");
    const failed = render(decision({ outcome: "failed", error: "PATCH failed: 403", undoUntil: undefined }));
    expect(shown(failed)).toContain("PATCH failed: 403");
    expect(executes(failed).map((a) => a.verb)).toEqual([
      ACTION_IDS.disable,
      ACTION_IDS.restrict,
      ACTION_IDS.keep,
      ACTION_IDS.not_mine,
    ]);
    for (const c of [open, failed]) expect(check(c)).toEqual([]);
  });

  it("stays under the budget with very long names and evidence", () => {
    const long = (i: number) =>
      account(i, {
        userName: LONG,
        name: LONG,
        findings: account(0).findings.map((f) => ({
          ...f,
          summary: LONG,
          evidence: [{ signal: "state", detail: LONG }],
        })),
        uniqueApiCalls7d: Array.from({ length: 100 }, () => ({ method: "GET", path: LONG, count: 1 })),
        decision: i % 2 ? decision({ actor: LONG, error: LONG, outcome: "failed" }) : undefined,
      });
    expect(check(renderOwnerMessageCard(ownerMessage(100, long), { now: NOW, maxAccounts: 100 }))).toEqual(
      [],
    );
  });

  it("offers an Entra app Remove expired credential behind a ShowCard with a destructive button", () => {
    const card = renderOwnerMessageCard(
      { ...ownerMessage(0), accounts: [entraAccount()] },
      { now: NOW, messageId: 9 },
    );
    expect(check(card)).toEqual([]);
    const showCards = actions(card).filter((a): a is ShowCardAction => a.type === "Action.ShowCard");
    expect(showCards.map((a) => a.title)).toEqual(["Remove expired credential…", "Disable…", "Keep…"]);
    const remove = showCards[0]!;
    expect(shown(remove.card)).toContain("payroll-sync");
    expect(shown(remove.card)).toContain("cannot be undone");
    const confirmButton = remove.card.actions?.[0] as ExecuteAction;
    expect(confirmButton.verb).toBe(ACTION_IDS.remove_expired_credential);
    expect(confirmButton.style).toBe("destructive");
    expect(decodeActionPayload(confirmButton.data)).toMatchObject({
      a: "remove_expired_credential",
      s: "entra",
    });
    expect(shown(showCards[1]!.card)).toContain("The service principal payroll-sync will be disabled");
    expect(shown(showCards[1]!.card)).not.toContain("ServiceNow");
    // Not mine applies at once; Restrict is not offered to a service principal.
    expect(executes(card).map((a) => a.verb)).not.toContain(ACTION_IDS.restrict);
  });
});

describe("renderOwnerMessageCard: recommended and destructive actions", () => {
  it("makes Remove privileged role the positive button of a privileged account, and says what uses it now", () => {
    const privileged = account(0, {
      findings: [{ ...account(0).findings[0]!, rule: "privileged", remediation: "reduce_roles" }],
      actions: ["remove_privileged_role", "disable", "keep", "not_mine"],
    });
    const card = renderOwnerMessageCard({ ...ownerMessage(0), accounts: [privileged] }, { now: NOW });
    expect(check(card)).toEqual([]);
    const showCards = actions(card).filter((a): a is ShowCardAction => a.type === "Action.ShowCard");
    expect(showCards.map((a) => [a.title, a.style])).toEqual([
      ["Remove privileged role…", "positive"],
      ["Disable…", "destructive"],
      ["Keep…", undefined],
    ]);
    const remove = showCards[0]!;
    expect(shown(remove.card)).toContain("roles inherited from a group stay");
    expect(shown(remove.card)).toContain("GET /api/now/table/incident (120×)");
    expect((remove.card.actions?.[0] as ExecuteAction | undefined)?.style).toBe("destructive");
  });
});

describe("renderOwnerMessageCard: advice where no button fixes it", () => {
  it("links ServiceNow's Basic Auth Restriction page where no button blocks Basic auth, and not where one does", () => {
    const url =
      "https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html";
    const basic = {
      ...account(0).findings[1]!,
      rule: "basic_auth" as const,
      remediation: "move_to_oauth" as const,
    };
    const wsao = account(0, { findings: [basic], actions: ["disable", "keep", "not_mine"] });
    const card = renderOwnerMessageCard({ ...ownerMessage(0), accounts: [wsao] }, { now: NOW });
    expect(check(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain(`[ServiceNow: Basic authentication restriction](${url})`);
    const blockable = account(1, { findings: [basic], actions: ["block_basic_auth", "disable", "keep"] });
    const other = renderOwnerMessageCard({ ...ownerMessage(0), accounts: [blockable] }, { now: NOW });
    expect(JSON.stringify(other)).not.toContain(url);
  });
});

describe("renderUnownedCard, renderLookupCard, renderHelpCard", () => {
  it("asks admins for an owner's email per account", () => {
    const card = renderUnownedCard(
      Array.from({ length: 300 }, (_, i) => account(i)),
      { now: NOW, messageId: 9 },
    );
    expect(check(card)).toEqual([]);
    const assign = executes(card).filter((a) => a.verb === "warden_assign_owner");
    expect(assign[0]!.data).toEqual({ s: "servicenow", id: account(0).accountId, m: 9 });
    expect(json(card)).toContain(
      `"id":"${cardInputId("ownerEmail", { s: "servicenow", id: account(0).accountId })}"`,
    );
    expect(shown(card)).toMatch(/and \d+ more accounts/);
  });

  it("renders lookups of any size and the help", () => {
    expect(check(renderLookupCard(lookupFound()))).toEqual([]);
    const big = renderLookupCard(lookupFound(2000, LONG));
    expect(check(big)).toEqual([]);
    expect(shown(big)).toMatch(/and 1,99\d more/);
    expect(check(renderLookupCard({ found: false, query: LONG, suggestions: [LONG, LONG] }))).toEqual([]);
    const help = renderHelpCard();
    expect(check(help)).toEqual([]);
    expect(shown(help)).toContain("lookup <account>");
  });
});

describe("checkAdaptiveCard", () => {
  it("reports the wrong version, size, unknown types and duplicate ids", () => {
    const bad = {
      type: "AdaptiveCard",
      version: "1.6",
      body: [
        { type: "TextBlock", text: "x".repeat(30_000) },
        { type: "Carousel" },
        { type: "Input.Text", id: "a" },
        { type: "Input.Text", id: "a" },
        { type: "ActionSet", actions: [{ type: "Action.Execute", title: "t" }] },
      ],
    };
    const problems = check(bad as unknown as AdaptiveCard).join("\n");
    expect(problems).toMatch(/version: "1.6"/);
    expect(problems).toMatch(/bytes > 28672/);
    expect(problems).toMatch(/"Carousel" is not in Adaptive Cards 1.5/);
    expect(problems).toMatch(/duplicate id "a"/);
    expect(problems).toMatch(/without verb/);
    expect(problems).toMatch(/adaptivecards: DuplicateId/);
  });
});

describe("renderReviewRequestCard", () => {
  const review = (accounts: OwnerAccountView[]): ReviewMessageView => ({
    campaign: {
      id: 3,
      startedAt: NOW,
      dueAt: new Date("2026-12-07T10:30:00Z"),
      defaultDecision: "none",
    },
    owner: { email: "alice@acme.example", name: "Alice Example" },
    accounts: accounts.map((a) => ({ ...a, campaignId: 3, actions: ["certify", "disable", "not_mine"] })),
  });

  it("asks Still needed…'s reason alone, and offers Still needed for all… while two or more are unanswered", () => {
    const card = renderReviewRequestCard(review([account(1), account(2)]), { messageId: 9, now: NOW });
    expect(check(card)).toEqual([]);
    const certify = actions(card).filter(
      (a): a is ShowCardAction => a.type === "Action.ShowCard" && a.title === "Still needed…",
    );
    expect(certify).toHaveLength(2);
    const inputs = certify[0]!.card.body.filter((e) => e.type.startsWith("Input."));
    expect(inputs).toEqual([
      expect.objectContaining({
        type: "Input.Text",
        id: cardInputId("reason", { s: "servicenow", id: account(1).accountId }),
        isRequired: true,
        errorMessage: "Say what still uses this account.",
      }),
    ]);
    const all = card.actions?.find((a) => a.title === "Still needed for all…") as ShowCardAction;
    expect(all.card.body.filter((e) => e.type.startsWith("Input."))).toEqual([
      expect.objectContaining({ id: "bulk.reason", isRequired: true }),
    ]);
    expect(executes(all.card as AdaptiveCard)[0]?.data).toEqual({
      bulk: true,
      m: 9,
      "bulk.action": "certify",
      "bulk.accounts": "0,1",
    });

    // One answered: the other has its own button, and the form is gone.
    const answered = review([account(1), account(2)]);
    answered.accounts[0]!.decision = decision({ action: "certify", undoUntil: undefined, reason: "nightly" });
    const after = renderReviewRequestCard(answered, { messageId: 9, now: NOW });
    expect(after.actions?.some((a) => a.title === "Still needed for all…") ?? false).toBe(false);
    // Keep, on an owner card, still asks its reason and duration.
    expect(json(renderOwnerMessageCard(ownerMessage(1), { messageId: 1, now: NOW }))).toContain(
      "expiresInDays",
    );
  });

  it("names the review and its due date on the admin channel's list of accounts nobody owns", () => {
    const { campaign } = review([]);
    const card = renderAdminAccountsCard(
      { accounts: [account(1), account(2)], review: campaign },
      { messageId: 4, now: NOW },
    );
    expect(check(card)).toEqual([]);
    expect(shown(card)).toContain(
      "Access review #3 asks each owner to confirm their machine identities by 2026-12-07. 2 machine identities have no reachable owner: pick an owner for each, and warden sends that owner the account to certify in this review",
    );
    expect(shown(renderAdminAccountsCard({ accounts: [account(1)] }, { messageId: 4, now: NOW }))).toContain(
      "Machine identities with no reachable owner",
    );
  });
});
