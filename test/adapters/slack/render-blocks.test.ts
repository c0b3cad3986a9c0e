import type { types } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { ACTION_IDS, decodeActionPayload } from "../../../src/actions/action-payload.js";
import {
  assignOwnerBlockId,
  parseAssignOwnerBlockId,
} from "../../../src/adapters/slack/render/assign-owner-block-id.js";
import { checkBlockKitLimits } from "../../../src/adapters/slack/render/check-block-kit-limits.js";
import { renderDigestBlocks } from "../../../src/adapters/slack/render/render-digest-blocks.js";
import { renderHelpBlocks } from "../../../src/adapters/slack/render/render-help-blocks.js";
import { renderLookupBlocks } from "../../../src/adapters/slack/render/render-lookup-blocks.js";
import { renderOwnerMessageBlocks } from "../../../src/adapters/slack/render/render-owner-message-blocks.js";
import { renderUnownedBlocks } from "../../../src/adapters/slack/render/render-unowned-blocks.js";
import { slackMarkupProblems, slackShownText } from "../../helpers/rendered-text.js";
import {
  account,
  decision,
  digest,
  entraAccount,
  LONG,
  lookupFound,
  NOW,
  ownerMessage,
} from "./view-fixtures.js";

const all = (blocks: types.KnownBlock[]) => JSON.stringify(blocks);
const buttons = (blocks: types.KnownBlock[]) =>
  blocks.flatMap((b) => (b.type === "actions" ? (b.elements as types.Button[]) : []));

describe("renderDigestBlocks", () => {
  it("summarises 10,000 risky accounts and 10,000 new findings within the limits", () => {
    const { text, blocks } = renderDigestBlocks(digest(10_000));
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    const json = all(blocks);
    expect(json).toContain("Machine Identity Security Score: 65/100");
    expect(json).toContain("72 → 65: 3 accounts started using Basic auth");
    expect(json).toMatch(/and 9,99\d more/);
    expect(json).toContain("Riskiest accounts");
    expect(json).toContain("Owners who have not answered");
    expect(json).toContain("Blind spots");
    // A date token: each reader of the digest channel sees their own time zone.
    const scanned = Date.parse("2026-11-20T02:00:00Z") / 1000;
    expect(json).toContain(
      `Last scan: <!date^${scanned}^{date_short_pretty} {time}|2026-11-20 02:00 UTC> (succeeded)`,
    );
    expect(text).toContain("65/100");
  });

  it("says a stale or failed scan plainly, before anything else", () => {
    const problem = "The last scan is stale: it ran 80 hours ago.";
    const { blocks, text } = renderDigestBlocks(digest(3, problem));
    expect(all([blocks[0]!])).toContain(problem);
    expect(text.startsWith(problem)).toBe(true);
    const failed = renderDigestBlocks({ ...digest(0), lastScan: undefined, score: undefined });
    expect(all([failed.blocks[0]!])).toContain("No scan has run yet");
    expect(checkBlockKitLimits(failed.blocks, failed.text)).toEqual([]);
  });

  it("cuts very long names and escapes Slack control characters", () => {
    const { text, blocks } = renderDigestBlocks(digest(50, LONG.repeat(3), () => LONG));
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    expect(all(blocks)).not.toContain("<sync>");
    expect(all(blocks)).toContain("&lt;sync&gt;");
  });
});

describe("renderOwnerMessageBlocks", () => {
  it("gives an owner of 500 accounts one message: the riskiest first, then counts per rule", () => {
    const { text, blocks } = renderOwnerMessageBlocks(ownerMessage(500), { now: NOW, messageId: 7 });
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    const json = all(blocks);
    expect(json).toContain("svc_account_0");
    expect(json).toMatch(/and 49\d more accounts \(Dormant \d+, Basic auth 49\d/);
    expect(slackShownText({ blocks })).toContain("/warden lookup <account>");
  });

  it("carries payloads that decode to the right account, rules and message", () => {
    const { blocks } = renderOwnerMessageBlocks(ownerMessage(2), { now: NOW, messageId: 7 });
    const all = buttons(blocks);
    const disable = all.find((b) => b.action_id === ACTION_IDS.disable)!;
    // Account 0 is dormant: Disable is its recommended fix, its dialog still red.
    expect(disable.style).toBe("primary");
    expect(disable.confirm?.style).toBe("danger");
    expect(disable.confirm?.text.text).toContain("svc_account_0");
    expect(decodeActionPayload(disable.value)).toEqual({
      a: "disable",
      s: "servicenow",
      id: account(0).accountId,
      r: ["dormant", "basic_auth"],
      m: 7,
      d: undefined,
    });
    // Account 0 is WSAO (i % 3 === 0): no Restrict; account 1 has one, with a confirm dialog.
    const restrict = all.filter((b) => b.action_id === ACTION_IDS.restrict);
    expect(restrict.map((b) => decodeActionPayload(b.value)?.id)).toEqual([account(1).accountId]);
    expect(restrict[0]?.confirm).toBeDefined();
    expect(all.map((b) => b.text.text)).toEqual(
      expect.arrayContaining(["Disable", "Restrict to API only", "Keep…", "Not mine"]),
    );
  });

  it("shows a decision's outcome instead of the buttons, and Undo only inside its window", () => {
    const render = (d: ReturnType<typeof decision>, now = NOW) =>
      renderOwnerMessageBlocks(
        ownerMessage(1, (i) => account(i + 1, { decision: d })),
        { now, messageId: 3 },
      );

    const applied = render(decision());
    // The time as Slack's date token (each reader's time zone), its fallback in UTC; no known Slack
    // user behind the decision, so the actor is written as their email.
    const decidedAt = Date.parse("2026-11-23T10:02:00Z") / 1000;
    expect(all(applied.blocks)).toContain(
      `Disabled by alice@acme.example at <!date^${decidedAt}^{date_short_pretty} {time}|2026-11-23 10:02 UTC>.`,
    );
    expect(all(applied.blocks)).toContain(
      `Undo possible until <!date^${decidedAt + 86_400}^{date_short_pretty} {time}|2026-11-24 10:02 UTC>.`,
    );
    expect(buttons(applied.blocks).map((b) => b.action_id)).toEqual([ACTION_IDS.undo]);
    expect(decodeActionPayload(buttons(applied.blocks)[0]!.value)).toMatchObject({ a: "undo", d: 42, m: 3 });

    const closed = render(decision(), new Date("2026-11-24T10:02:00Z"));
    expect(buttons(closed.blocks)).toEqual([]);

    const dry = render(decision({ outcome: "dry_run" }));
    expect(all(dry.blocks)).toContain("would have been disabled (dry run)");

    const failed = render(
      decision({ outcome: "failed", error: "ServiceNow PATCH failed: 403", undoUntil: undefined }),
    );
    expect(all(failed.blocks)).toContain("ServiceNow PATCH failed: 403");
    expect(buttons(failed.blocks).map((b) => b.action_id)).toEqual([
      ACTION_IDS.disable,
      ACTION_IDS.restrict,
      ACTION_IDS.keep,
      ACTION_IDS.not_mine,
    ]);
    for (const r of [applied, closed, dry, failed]) expect(checkBlockKitLimits(r.blocks, r.text)).toEqual([]);
  });

  it("stays within the limits with very long names and evidence", () => {
    const long = (i: number) =>
      account(i, {
        userName: LONG,
        name: LONG,
        findings: [finding(LONG), finding(LONG), finding(LONG), finding(LONG), finding(LONG)],
        uniqueApiCalls7d: Array.from({ length: 100 }, () => ({ method: "GET", path: LONG, count: 1 })),
        decision: i % 2 ? decision({ actor: LONG, error: LONG, outcome: "failed" }) : undefined,
      });
    const { text, blocks } = renderOwnerMessageBlocks(ownerMessage(60, long), { now: NOW, maxAccounts: 60 });
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    expect(all(blocks)).toContain("more account");
  });

  it("offers an Entra app Remove expired credential as a confirmed danger button, and Disable worded for Entra", () => {
    const { text, blocks } = renderOwnerMessageBlocks(
      { ...ownerMessage(0), accounts: [entraAccount()] },
      { now: NOW, messageId: 9 },
    );
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    const shown = buttons(blocks);
    expect(shown.map((b) => b.text.text)).toEqual([
      "Remove expired credential",
      "Disable",
      "Keep…",
      "Not mine",
    ]);
    const remove = shown[0]!;
    expect(remove.action_id).toBe(ACTION_IDS.remove_expired_credential);
    expect(remove.style).toBe("danger");
    expect(remove.confirm?.style).toBe("danger");
    expect(remove.confirm?.text.text).toContain("payroll-sync");
    expect(remove.confirm?.text.text).toContain("cannot be undone");
    expect(decodeActionPayload(remove.value)).toMatchObject({
      a: "remove_expired_credential",
      s: "entra",
      id: entraAccount().accountId,
      m: 9,
    });
    const disable = shown[1]!;
    expect(disable.confirm?.text.text).toContain(
      "The service principal payroll-sync will be disabled (accountEnabled false)",
    );
    expect(disable.confirm?.text.text).not.toContain("ServiceNow");
  });

  it("makes the recommended fix the primary button; destructive ones stay red and confirm what stops working", () => {
    const privileged = account(0, {
      webServiceAccessOnly: true,
      findings: [
        { ...account(0).findings[0]!, rule: "privileged", remediation: "reduce_roles" },
        { ...account(0).findings[0]!, rule: "dormant", remediation: "disable" },
      ],
      actions: ["remove_privileged_role", "disable", "keep", "not_mine"],
    });
    const { text, blocks } = renderOwnerMessageBlocks(
      { ...ownerMessage(0), accounts: [privileged] },
      { now: NOW, messageId: 9 },
    );
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    const shown = buttons(blocks);
    expect(shown.map((b) => [b.text.text, b.style])).toEqual([
      ["Remove privileged role", "primary"],
      ["Disable", "danger"],
      ["Keep…", undefined],
      ["Not mine", undefined],
    ]);
    const remove = shown[0]!;
    // Recommended, yet destructive: the dialog's confirm button is red.
    expect(remove.confirm?.style).toBe("danger");
    const confirm = remove.confirm?.text.text ?? "";
    expect(confirm).toContain("roles inherited from a group stay");
    // What uses the account now, from the evidence of the scan.
    expect(confirm).toContain("GET /api/now/table/incident (120×)");
    expect(confirm.length).toBeLessThanOrEqual(300);
    expect(shown[1]!.confirm?.text.text).toContain("In use now:");
    // A dormant account's recommended fix is Disable.
    const dormant = account(0, {
      findings: [account(0).findings[0]!],
      actions: ["disable", "restrict", "keep"],
    });
    const second = renderOwnerMessageBlocks({ ...ownerMessage(0), accounts: [dormant] }, { now: NOW });
    expect(buttons(second.blocks).map((b) => [b.text.text, b.style])).toEqual([
      ["Disable", "primary"],
      ["Restrict to API only", undefined],
      ["Keep…", undefined],
    ]);
  });

  it("links ServiceNow's Basic Auth Restriction page once where no button blocks Basic auth, without showing fewer accounts", () => {
    const url =
      "https://www.servicenow.com/docs/r/australia/platform-security/authentication/basic-auth-restriction.html";
    const link = `<${url}|ServiceNow: Basic authentication restriction>`;
    const linksIn = (blocks: types.KnownBlock[]) => all(blocks).split(link).length - 1;
    const shownAccounts = (blocks: types.KnownBlock[]) => all(blocks).match(/\*svc_account_\d+\*/g)?.length;
    // Every fixture account has a Basic-auth finding and no Block Basic auth button (a Web Service
    // Access Only account, or a source without the Basic Auth Exception table).
    const advised = renderOwnerMessageBlocks(ownerMessage(10), { now: NOW, messageId: 7 });
    expect(checkBlockKitLimits(advised.blocks, advised.text)).toEqual([]);
    expect(linksIn(advised.blocks)).toBe(1);
    expect(slackShownText({ blocks: advised.blocks })).toContain(
      "Basic auth where no button above blocks it:",
    );
    // The link is warden's own: nothing else in the message links or pings.
    expect(slackMarkupProblems({ blocks: advised.blocks })).toEqual([]);
    // All ten fit, as without the link (one link per account would have pushed one out).
    expect(shownAccounts(advised.blocks)).toBe(10);
    // Where Block Basic auth is offered, no link.
    const blockable = renderOwnerMessageBlocks(
      ownerMessage(10, (i) =>
        account(i, { actions: ["block_basic_auth", ...(account(i).actions ?? [])] as never }),
      ),
      { now: NOW, messageId: 7 },
    );
    expect(linksIn(blockable.blocks)).toBe(0);
    // Accounts without a Basic-auth finding get no link either.
    const dormant = renderOwnerMessageBlocks(
      ownerMessage(3, (i) => account(i, { findings: [account(0).findings[0]!] })),
      { now: NOW, messageId: 7 },
    );
    expect(linksIn(dormant.blocks)).toBe(0);
    // 500 such accounts: one link, still within the limits.
    const many = renderOwnerMessageBlocks(ownerMessage(500), { now: NOW, messageId: 7 });
    expect(checkBlockKitLimits(many.blocks, many.text)).toEqual([]);
    expect(linksIn(many.blocks)).toBe(1);
  });

  it("makes Block Basic auth the primary button of an account whose riskiest finding is Basic auth", () => {
    const basic = {
      ...account(0).findings[1]!,
      rule: "basic_auth" as const,
      remediation: "move_to_oauth" as const,
    };
    const blockable = account(1, { findings: [basic], actions: ["block_basic_auth", "disable", "keep"] });
    const rendered = renderOwnerMessageBlocks({ ...ownerMessage(0), accounts: [blockable] }, { now: NOW });
    expect(buttons(rendered.blocks).map((b) => [b.text.text, b.style])).toEqual([
      ["Block Basic auth", "primary"],
      ["Disable", "danger"],
      ["Keep…", undefined],
    ]);
    expect(buttons(rendered.blocks)[0]?.confirm?.text.text).toContain("OAuth keeps working");
  });

  it("shows what Remove privileged role removed and what it left alone", () => {
    const removed = account(0, {
      decision: decision({
        action: "remove_privileged_role",
        detail: "removed admin; left alone: security_admin (inherited from group Platform Admins)",
      }),
    });
    const { blocks } = renderOwnerMessageBlocks({ ...ownerMessage(0), accounts: [removed] }, { now: NOW });
    expect(slackShownText({ blocks })).toContain(
      "Privileged roles removed by alice@acme.example at 2026-11-23 10:02 UTC (removed admin; left alone: security_admin (inherited from group Platform Admins))",
    );
    expect(buttons(blocks).map((b) => b.action_id)).toEqual([ACTION_IDS.undo]);
  });

  it("shows a removal without an Undo, and says when nothing was expired any more", () => {
    const removed = entraAccount({
      decision: decision({ action: "remove_expired_credential", undoUntil: undefined }),
    });
    const { blocks } = renderOwnerMessageBlocks({ ...ownerMessage(0), accounts: [removed] }, { now: NOW });
    expect(slackShownText({ blocks })).toContain("Expired credentials removed by alice@acme.example");
    expect(buttons(blocks).map((b) => b.action_id)).not.toContain(ACTION_IDS.undo);
    const already = entraAccount({
      decision: decision({ action: "remove_expired_credential", outcome: "already", undoUntil: undefined }),
    });
    const second = renderOwnerMessageBlocks({ ...ownerMessage(0), accounts: [already] }, { now: NOW });
    expect(slackShownText({ blocks: second.blocks })).toContain("No credential was expired any more");
  });
});

function finding(detail: string) {
  return account(0).findings.map((f) => ({
    ...f,
    summary: detail,
    evidence: [{ signal: "state" as const, detail }],
  }))[0]!;
}

describe("renderUnownedBlocks", () => {
  it("offers a user picker per account, with the account in the block_id", () => {
    const { text, blocks } = renderUnownedBlocks(
      Array.from({ length: 300 }, (_, i) => account(i)),
      { now: NOW, messageId: 9 },
    );
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
    const pickers = blocks.filter(
      (b): b is types.SectionBlock => b.type === "section" && b.accessory !== undefined,
    );
    expect(pickers.length).toBeGreaterThan(0);
    expect(pickers[0]!.accessory).toMatchObject({ type: "users_select", action_id: "warden_assign_owner" });
    expect(parseAssignOwnerBlockId(pickers[0]!.block_id!)).toEqual({
      s: "servicenow",
      id: account(0).accountId,
      m: 9,
    });
    expect(all(blocks)).toMatch(/and \d+ more accounts/);
    expect(all(blocks)).toContain("risk 80%");
  });

  it("leaves the picker out when the account id cannot fit a block_id", () => {
    expect(assignOwnerBlockId({ s: "servicenow", id: "x".repeat(300) })).toBeUndefined();
    const { blocks } = renderUnownedBlocks([account(1, { accountId: "x".repeat(3000) })], { now: NOW });
    expect(checkBlockKitLimits(blocks)).toEqual([]);
  });
});

describe("renderLookupBlocks and renderHelpBlocks", () => {
  it("shows an account, and stays within limits for huge ones", () => {
    const small = renderLookupBlocks(lookupFound());
    expect(all(small.blocks)).toContain("svc_cmdb_sync");
    expect(all(small.blocks)).toContain("Basic auth (3 uses)");
    expect(checkBlockKitLimits(small.blocks, small.text)).toEqual([]);
    const big = renderLookupBlocks(lookupFound(2000, LONG));
    expect(checkBlockKitLimits(big.blocks, big.text)).toEqual([]);
    expect(all(big.blocks)).toMatch(/and 1,99\d more/);
  });

  it("suggests names when nothing matches", () => {
    const r = renderLookupBlocks({
      found: false,
      query: LONG,
      suggestions: Array.from({ length: 50 }, () => LONG),
    });
    expect(checkBlockKitLimits(r.blocks, r.text)).toEqual([]);
    expect(r.text).toContain("Did you mean");
  });

  it("lists the commands", () => {
    const { blocks, text } = renderHelpBlocks();
    for (const c of ["/warden lookup <account>", "/warden score", "/warden scan", "/warden help"]) {
      expect(slackShownText({ blocks })).toContain(c);
    }
    expect(checkBlockKitLimits(blocks, text)).toEqual([]);
  });
});

describe("checkBlockKitLimits", () => {
  it("reports each limit broken", () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "h".repeat(151) } },
      { type: "section", text: { type: "mrkdwn", text: "s".repeat(3001) } },
      { type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) },
      { type: "context", elements: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "c" })) },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: "a",
            text: { type: "plain_text", text: "b".repeat(76) },
            value: "v".repeat(2001),
          },
        ],
      },
      ...Array.from({ length: 46 }, () => ({ type: "divider" })),
    ];
    const problems = checkBlockKitLimits(blocks);
    expect(problems).toHaveLength(7);
    expect(problems.join("\n")).toMatch(/blocks: count 51 > 50/);
  });
});
