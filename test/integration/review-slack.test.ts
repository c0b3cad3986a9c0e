import { describe, expect, it } from "vitest";
import { decodeActionPayload, encodeActionPayload } from "../../src/actions/action-payload.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { assignOwner } from "../../src/remediation/assign-owner.js";
import { startReview } from "../../src/reviews/start-review.js";
import { writeReviewReport } from "../../src/reviews/write-review-report.js";
import { viewSubmissionBody } from "../helpers/sign-slack.js";
import {
  type SlackButton,
  type SlackMessageRef,
  type SlackWarden,
  slackButtons,
  startWarden,
} from "../helpers/start-warden.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const JAMES = { id: "UJAMES", name: "James", email: "james.okafor@acme.example" };

type User = typeof RAJ;
interface ShownModal {
  id: string;
  view: { callback_id: string; private_metadata: string; blocks: unknown[] };
}

/** Starts warden on Slack, opens access review #1 and sends its messages. */
async function startCampaign() {
  const t = await startWarden({ platform: "slack", users: [RAJ, ADMIN, JAMES] });
  const started = await startReview(t.warden.store, {
    now: t.now(),
    startedBy: "test",
    defaultDecision: "none",
    days: 14,
  });
  const sent = await sendReviewMessages(t.warden);
  expect(sent.failed).toBe(0);
  return { t, campaign: started.campaign };
}

/** The review message `user` got (the last one listing `userName`, when given). */
function reviewDm(t: SlackWarden, user: User, userName?: string) {
  const channel = `D${user.id}`;
  const message = t.slack
    .messages(channel)
    .filter((m) => /access review/.test(String(m.text)))
    .filter((m) => !userName || JSON.stringify(m.blocks).includes(`*${userName}*`))
    .at(-1);
  if (!message) throw new Error(`${user.name} got no review message`);
  return { message, at: { channel, ts: message.ts } satisfies SlackMessageRef };
}

/** The button `actionId` of the account `accountId` in `message`. */
function buttonOf(message: { blocks?: unknown }, actionId: string, accountId?: string): SlackButton {
  const button = slackButtons(message).find(
    (b) => b.action_id === actionId && (!accountId || decodeActionPayload(b.value)?.id === accountId),
  );
  if (!button) throw new Error(`no ${actionId} button${accountId ? ` for ${accountId}` : ""}`);
  return button;
}

/** `user` clicks `button` at `at`; the modal it opens. */
async function openModal(t: SlackWarden, user: User, at: SlackMessageRef, button: SlackButton) {
  const before = t.slack.views().length;
  expect((await t.click(user, at, button)).status).toBe(200);
  return (await t.slack.until(
    () => t.slack.views()[before],
    `the modal of ${button.action_id}`,
  )) as unknown as ShownModal;
}

/** `user` submits `modal` with `reason`; the HTTP answer (field errors, an update) as JSON, if any. */
async function submit(
  t: SlackWarden,
  user: User,
  modal: ShownModal,
  reason: string,
  privateMetadata?: string,
) {
  const response = await t.post(
    viewSubmissionBody({
      userId: user.id,
      callbackId: modal.view.callback_id,
      viewId: modal.id,
      privateMetadata: privateMetadata ?? modal.view.private_metadata,
      values: { reason: { reason: { type: "plain_text_input", value: reason } } },
    }),
  );
  expect(response.status).toBe(200);
  return response.text ? (JSON.parse(response.text) as Record<string, unknown>) : undefined;
}

const count = (t: SlackWarden, sql: string, ...params: unknown[]) =>
  t.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

const itemOf = (t: SlackWarden, userName: string) =>
  t.db
    .prepare(
      "SELECT status, reviewer, reason, decision_id, owner_email FROM review_items WHERE user_name = ?",
    )
    .get(userName) as {
    status: string;
    reviewer: string | null;
    reason: string | null;
    decision_id: number | null;
    owner_email: string | null;
  };

/** RFC 4180 rows (the report quotes cells holding commas, quotes or line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  for (const [, cell = "", end] of text.matchAll(/("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/g)) {
    rows.at(-1)?.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    if (end === "\r\n") rows.push([]);
    if (end === "") break;
  }
  return rows.filter((row) => row.length > 1 || row[0] !== "");
}

describe("Slack: an access review from the owner's DM to the auditors' report", () => {
  it("asks each owner about every active account and records Still needed, Disable, Not mine and Still needed for all", async () => {
    const { t, campaign } = await startCampaign();

    // Raj's DM lists each of his active accounts, risky or not, with its three buttons and the due date.
    const asked = t.db
      .prepare(
        "SELECT user_name, account_id, findings FROM review_items WHERE owner_email = ? ORDER BY user_name",
      )
      .all(RAJ.email) as { user_name: string; account_id: string; findings: string }[];
    expect(asked.length).toBeGreaterThanOrEqual(5);
    expect(asked.some((a) => a.findings === "[]")).toBe(true);
    expect(asked.some((a) => a.findings !== "[]")).toBe(true);
    const { message: first, at } = reviewDm(t, RAJ);
    const text = JSON.stringify(first.blocks);
    const due = Math.floor(campaign.dueAt.getTime() / 1000);
    expect(text).toContain(`access review #${campaign.id} asks you to confirm each of your ${asked.length}`);
    expect(text).toContain(
      `by <!date^${due}^{date_short_pretty}|${campaign.dueAt.toISOString().slice(0, 10)}>`,
    );
    for (const account of asked) {
      expect(text).toContain(`*${account.user_name}*`);
      for (const action of ["warden_certify", "warden_disable", "warden_not_mine"])
        expect(decodeActionPayload(buttonOf(first, action, account.account_id).value)?.c).toBe(campaign.id);
    }
    expect(buttonOf(first, "warden_review_bulk_open")).toBeTruthy();
    // Nobody reachable owns some accounts: the admin channel is asked to assign them, for this review.
    const adminList = JSON.stringify(t.slack.messages("CADMIN").map((m) => m.blocks));
    expect(adminList).toContain(`Access review #${campaign.id} asks each owner to confirm`);
    expect(adminList).toContain(
      "pick an owner for each, and warden sends that owner the account to certify in this review",
    );
    expect(adminList).toContain("warden_assign_owner");

    const [certified, disabled, disowned, ...rest] = asked as [
      (typeof asked)[0],
      (typeof asked)[0],
      (typeof asked)[0],
      ...(typeof asked)[0][],
    ];

    // Still needed… opens a modal naming the account and the review; an empty reason is a field error.
    const modal = await openModal(t, RAJ, at, buttonOf(first, "warden_certify", certified.account_id));
    expect(modal.view.callback_id).toBe("warden_certify");
    const shown = JSON.stringify(modal.view);
    expect(shown).toContain(`*${certified.user_name}*`);
    expect(shown).toContain(`Access review #${campaign.id}, due <!date^${due}`);
    expect(shown).toContain("What still uses it, and why is it needed?");
    expect(await submit(t, RAJ, modal, "  ")).toMatchObject({
      response_action: "errors",
      errors: { reason: expect.stringContaining("what still uses the account") },
    });
    expect(count(t, "SELECT count(*) FROM decisions")).toBe(0);
    expect(itemOf(t, certified.user_name).status).toBe("pending");

    // With a reason: certified, and the DM shows the decision line with it (escaped: it is data).
    expect(await submit(t, RAJ, modal, "nightly <CMDB> import")).toBeUndefined();
    const line = await t.slack.until(() => {
      const blocks = JSON.stringify(reviewDm(t, RAJ).message.blocks);
      return blocks.includes("Certified still needed by") ? blocks : undefined;
    }, "the certification in the DM");
    expect(line).toMatch(
      new RegExp(
        `Certified still needed by <@${RAJ.id}> at <!date\\^\\d+\\^[^>]*>: \\\\"nightly &lt;CMDB&gt; import\\\\"`,
      ),
    );
    expect(itemOf(t, certified.user_name)).toMatchObject({
      status: "certified",
      reviewer: RAJ.email,
      reason: "nightly <CMDB> import",
    });
    // The account's buttons are gone; the others' stay.
    const afterCertify = reviewDm(t, RAJ).message;
    expect(() => buttonOf(afterCertify, "warden_certify", certified.account_id)).toThrow();
    expect(buttonOf(afterCertify, "warden_certify", disabled.account_id)).toBeTruthy();

    // The same modal submitted again (a double click, a retried delivery) records nothing twice.
    const ephemerals = t.slack.ephemerals(at.channel).length;
    await submit(t, RAJ, modal, "nightly <CMDB> import");
    const repeat = await t.slack.until(
      () => t.slack.ephemerals(at.channel)[ephemerals],
      "the repeat's notice",
    );
    expect(String(repeat.text)).toMatch(/already/i);
    expect(count(t, "SELECT count(*) FROM decisions WHERE action = 'certify'")).toBe(1);
    expect(count(t, "SELECT count(*) FROM audit_log WHERE event = 'decision.duplicate'")).toBe(1);

    // Disable: the instance receives the PATCH, and the item is disabled.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    await t.click(RAJ, at, buttonOf(first, "warden_disable", disabled.account_id));
    await t.slack.until(
      () => JSON.stringify(reviewDm(t, RAJ).message.blocks).includes("Disabled by") || undefined,
      "the disable in the DM",
    );
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBeGreaterThan(patches);
    const users = t.sim.data.tables.get("sys_user")!;
    expect(users.rows[users.indexById.get(disabled.account_id)!]!.active).toBe("false");
    expect(itemOf(t, disabled.user_name)).toMatchObject({ status: "disabled", reviewer: RAJ.email });

    // Not mine: to the admin channel, naming the review; an admin assigns James, who is then asked.
    const adminPosts = t.slack.messages("CADMIN").length;
    await t.click(RAJ, at, buttonOf(first, "warden_not_mine", disowned.account_id));
    const post = await t.slack.until(() => t.slack.messages("CADMIN")[adminPosts], "the Not mine post");
    const disownedText = JSON.stringify(post.blocks);
    expect(disownedText).toContain(`*${disowned.user_name}*`);
    expect(disownedText).toContain("that this account is not theirs");
    expect(disownedText).toContain(`Access review #${campaign.id} asks each owner`);
    expect(itemOf(t, disowned.user_name).status).toBe("reassigned");
    const assigned = await assignOwner(t.warden.store, {
      admins: [ADMIN.email],
      actor: { platform: "slack", id: ADMIN.id, email: ADMIN.email },
      source: "servicenow",
      accountId: disowned.account_id,
      ownerEmail: JAMES.email,
      now: t.now(),
    });
    expect(assigned.ok).toBe(true);
    const again = await sendReviewMessages(t.warden);
    expect(again.queued).toBe(1);
    const james = reviewDm(t, JAMES, disowned.user_name);
    expect(itemOf(t, disowned.user_name)).toMatchObject({ status: "pending", owner_email: JAMES.email });
    const jamesModal = await openModal(
      t,
      JAMES,
      james.at,
      buttonOf(james.message, "warden_certify", disowned.account_id),
    );
    await submit(t, JAMES, jamesModal, "change approvals bot of the CAB");
    await t.slack.until(
      () =>
        JSON.stringify(reviewDm(t, JAMES, disowned.user_name).message.blocks).includes(
          "Certified still needed",
        ) || undefined,
      "James's certification",
    );
    expect(itemOf(t, disowned.user_name)).toMatchObject({ status: "certified", reviewer: JAMES.email });

    // Still needed for all…: one reason for the rest, each its own decision, the DM re-rendered once.
    const bulk = await openModal(t, RAJ, at, buttonOf(reviewDm(t, RAJ).message, "warden_review_bulk_open"));
    expect(bulk.view.callback_id).toBe("warden_review_bulk");
    const named = JSON.stringify(bulk.view.blocks);
    for (const account of rest) expect(named).toContain(account.user_name);
    expect(named).not.toContain(certified.user_name);
    expect(await submit(t, RAJ, bulk, "")).toMatchObject({ response_action: "errors" });
    // The owner takes a minute to write the reason.
    t.advance(60_000);
    const edits = reviewDm(t, RAJ).message.edits;
    expect(await submit(t, RAJ, bulk, "backups, restores and discovery")).toMatchObject({
      response_action: "update",
    });
    const resultOf = () => JSON.stringify(t.slack.views().find((v) => v.id === bulk.id)?.view ?? {});
    await t.slack.until(() => /\d+ done/.test(resultOf()) || undefined, "the bulk result");
    expect(resultOf()).toContain(
      `Still needed for ${rest.length} accounts: ${rest.length} done, 0 failed, 0 skipped.`,
    );
    expect(reviewDm(t, RAJ).message.edits).toBe(edits + 1);
    for (const account of rest) {
      expect(itemOf(t, account.user_name)).toMatchObject({
        status: "certified",
        reviewer: RAJ.email,
        reason: "backups, restores and discovery",
      });
    }
    // Every account answered: no buttons left in Raj's DM, no bulk button either.
    const final = reviewDm(t, RAJ).message;
    const buttons = slackButtons(final).filter((b) => b.action_id?.startsWith("warden_"));
    expect(buttons.map((b) => b.action_id)).toEqual(["warden_undo"]);
    // The same form again: nothing twice, each account skipped and said why.
    await submit(t, RAJ, bulk, "backups, restores and discovery");
    await t.slack.until(() => / 0 done/.test(resultOf()) || undefined, "the second bulk result");
    expect(resultOf()).toContain(`0 done, 0 failed, ${rest.length} skipped`);
    expect(resultOf()).toContain("Already decided in this message: Certified still needed by");
    expect(count(t, "SELECT count(*) FROM decisions WHERE action = 'certify'")).toBe(rest.length + 2);

    // The report: reviewer, reason and the answering decision per account.
    let csv = "";
    const rows = await writeReviewReport(
      t.warden.store,
      campaign,
      "csv",
      { write: (chunk: string) => (csv += chunk) },
      "",
    );
    const [header, ...lines] = parseCsv(csv);
    expect(lines).toHaveLength(rows);
    const col = (name: string) => (header ?? []).indexOf(name);
    const byName = new Map(lines.map((l) => [l[col("user_name")], l]));
    const decisionOf = (userName: string) =>
      String(
        t.db
          .prepare(
            "SELECT d.id FROM decisions d JOIN review_items i ON i.account_id = d.account_id WHERE i.user_name = ? AND d.action IN ('certify', 'disable') ORDER BY d.id DESC",
          )
          .pluck()
          .get(userName),
      );
    const expected = [
      [certified.user_name, "certified", RAJ.email, "nightly <CMDB> import"],
      [disabled.user_name, "disabled", RAJ.email, ""],
      [disowned.user_name, "certified", JAMES.email, "change approvals bot of the CAB"],
      ...rest.map((a) => [a.user_name, "certified", RAJ.email, "backups, restores and discovery"]),
    ];
    for (const [userName, status, reviewer, reason] of expected) {
      const row = byName.get(userName);
      expect(row?.[col("status")]).toBe(status);
      expect(row?.[col("reviewer")]).toBe(reviewer);
      expect(row?.[col("reason")]).toBe(reason);
      expect(row?.[col("decision_id")]).toBe(decisionOf(userName as string));
      expect(row?.[col("outcome")]).toBe("applied");
    }
  });

  it("refuses forged Still needed requests and audits each: another account, another message, forged or stolen modals", async () => {
    const { t } = await startCampaign();
    const { message, at } = reviewDm(t, RAJ);
    const button = buttonOf(message, "warden_certify");
    const genuine = decodeActionPayload(button.value)!;
    const audited = (event: string) => count(t, "SELECT count(*) FROM audit_log WHERE event = ?", event);
    /** Waits, after what follows, for the next notice shown to Raj only. */
    const nextNotice = (what: string) => {
      const before = t.slack.ephemerals(at.channel).length;
      return async () =>
        String((await t.slack.until(() => t.slack.ephemerals(at.channel)[before], what)).text);
    };

    // Another owner's account in the button's value: Raj may not answer for it.
    const jamesAccount = t.db
      .prepare("SELECT account_id FROM review_items WHERE owner_email = ?")
      .pluck()
      .get(JAMES.email) as string;
    const forged = await openModal(t, RAJ, at, {
      action_id: "warden_certify",
      value: encodeActionPayload({ ...genuine, id: jamesAccount }),
    });
    let notice = nextNotice("the refusal of another owner's account");
    await submit(t, RAJ, forged, "mine now");
    expect(await notice()).toMatch(/owner or a warden admin/);
    expect(audited("decision.refused")).toBe(1);

    // A genuine button reported from another message: not the message that showed it.
    const elsewhere = await openModal(t, RAJ, { channel: at.channel, ts: "1700000999.000100" }, button);
    notice = nextNotice("the refusal of a button from another message");
    await submit(t, RAJ, elsewhere, "still used");
    expect(await notice()).toContain("does not belong to the message it was clicked in");
    expect(audited("decision.invalid")).toBe(1);

    // The modal's metadata rewritten, or the genuine modal submitted by someone else: audited, nothing done.
    const modal = await openModal(t, RAJ, at, button);
    const sealed = JSON.parse(modal.view.private_metadata) as { v: string; t: string };
    const rewritten = JSON.stringify({ v: sealed.v.replace(genuine.id, jamesAccount), t: sealed.t });
    await submit(t, RAJ, modal, "forged", rewritten);
    expect(audited("decision.invalid")).toBe(2);
    await submit(t, JAMES, modal, "stolen");
    expect(audited("decision.invalid")).toBe(3);
    // The bulk modal, submitted by someone else.
    const bulk = await openModal(t, RAJ, at, buttonOf(message, "warden_review_bulk_open"));
    await submit(t, JAMES, bulk, "stolen");
    expect(audited("decision.invalid")).toBe(4);

    expect(count(t, "SELECT count(*) FROM decisions")).toBe(0);
    expect(count(t, "SELECT count(*) FROM review_items WHERE status <> 'pending'")).toBe(0);
    expect(reviewDm(t, RAJ).message.edits).toBe(0);
  });
});
