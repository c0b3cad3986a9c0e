import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import {
  appHomeOpenedBody,
  blockActionsPayload,
  homeActionsBody,
  payloadBody,
} from "../helpers/sign-slack.js";
import { type SlackButton, type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const STRANGER = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };

type Block = {
  type: string;
  block_id?: string;
  text?: { text?: string };
  elements?: Record<string, unknown>[];
};

/** Owners whose risky accounts an admin assigns to Raj in chat, so that he has two pages of them. */
const HANDED_OVER = ["paula.garcia@acme.example", "vera.novak@acme.example", "james.okafor@acme.example"];
const RAJS = [OWNER.email, ...HANDED_OVER];

async function setup() {
  const t = await startWarden({ platform: "slack", users: [OWNER, ADMIN, STRANGER] });
  const handed = t.db
    .prepare(
      `SELECT source, id FROM accounts WHERE owner_email IN (${HANDED_OVER.map(() => "?").join(", ")})`,
    )
    .all(...HANDED_OVER) as { source: string; id: string }[];
  for (const account of handed) {
    await t.warden.store.ownerOverrides.setOwnerOverride({
      source: account.source,
      accountId: account.id,
      ownerEmail: OWNER.email,
      assignedBy: ADMIN.email,
      assignedAt: t.now(),
    });
  }
  return t;
}

/** User names of accounts with an open finding (of `rule`) whose source owner is one of `emails`. */
function riskyUserNames(t: SlackWarden, emails: readonly string[], rule?: string): string[] {
  return (
    t.db
      .prepare(
        `SELECT DISTINCT a.user_name FROM accounts a JOIN findings f ON f.source = a.source AND f.account_id = a.id
          WHERE a.owner_email IN (SELECT value FROM json_each(?)) AND f.resolved_at IS NULL
            AND (? IS NULL OR f.rule = ?) AND f.rule != 'no_owner'`,
      )
      .pluck()
      .all(JSON.stringify(emails), rule ?? null, rule ?? null) as string[]
  ).sort();
}

/** The Home tab `user` opens: the app_home_opened event, then the views.publish it causes. */
async function openHome(t: SlackWarden, user: { id: string }) {
  const before = t.slack.callsTo("views.publish").length;
  expect((await t.post(appHomeOpenedBody(user.id))).status).toBe(200);
  await t.slack.until(() => t.slack.callsTo("views.publish")[before], "the Home tab to be published");
  return homeOf(t, user);
}

function homeOf(t: SlackWarden, user: { id: string }) {
  const shown = t.slack.home(user.id);
  if (!shown) throw new Error(`no Home tab for ${user.id}`);
  return shown.view as { type: string; private_metadata: string; blocks: Block[] };
}

/** The user names of the accounts a view lists (each account's section starts "*user_name* (name)"). */
function listedUserNames(blocks: readonly Block[], candidates: readonly string[]): string[] {
  const text = blocks.map((b) => (b.type === "section" ? (b.text?.text ?? "") : "")).join("\n");
  return candidates.filter(
    (name) => text.includes(`*${name.replace(/_/g, "\\_")}*`) || text.includes(`*${name}*`),
  );
}

/** Clicks a control of `user`'s Home tab and waits for the tab published after it. */
async function clickHome(t: SlackWarden, user: { id: string }, action: Record<string, unknown>) {
  const before = t.slack.callsTo("views.publish").length;
  const view = homeOf(t, user);
  expect((await t.post(homeActionsBody({ userId: user.id, view, action }))).status).toBe(200);
  await t.slack.until(() => t.slack.callsTo("views.publish")[before], "the Home tab to be published again");
  return homeOf(t, user);
}

const text = (blocks: readonly unknown[]) => JSON.stringify(blocks);

describe("Slack Home tab and /warden mine: the viewer's own machine identities", () => {
  it("publishes the owner's accounts on app_home_opened, riskiest first and paged, never another owner's", async () => {
    const t = await setup();
    const raj = riskyUserNames(t, RAJS);
    const others = (
      t.db
        .prepare(
          "SELECT user_name FROM accounts WHERE owner_email IS NULL OR owner_email NOT IN (SELECT value FROM json_each(?))",
        )
        .pluck()
        .all(JSON.stringify(RAJS)) as string[]
    ).filter((name) => !raj.includes(name));
    expect(others.length).toBeGreaterThan(0);
    // Enough accounts for two pages, so the pager is exercised.
    expect(raj.length).toBeGreaterThan(5);

    const home = await openHome(t, OWNER);
    const publish = t.slack.callsTo("views.publish")[0];
    expect(publish?.args.user_id).toBe(OWNER.id);
    expect(home.type).toBe("home");
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const first = listedUserNames(home.blocks, raj);
    expect(first).toHaveLength(5);
    expect(listedUserNames(home.blocks, others)).toEqual([]);
    expect(text(home.blocks)).toContain(`You own ${raj.length} machine identities with open findings`);
    expect(text(home.blocks)).toContain("Page 1 of");
    // Each account has its actions: they go through the one decision path.
    expect(slackButtons(home).some((b) => b.action_id === "warden_disable")).toBe(true);

    // Next page: other accounts of Raj's, none repeated.
    const next = slackButtons(home).find((b) => b.action_id === "warden_home_page_next") as SlackButton;
    const second = await clickHome(t, OWNER, {
      type: "button",
      action_id: next.action_id,
      block_id: "warden_home_pager",
      value: next.value,
    });
    const page2 = listedUserNames(second.blocks, raj);
    expect(page2.length).toBeGreaterThan(0);
    expect(page2.filter((name) => first.includes(name))).toEqual([]);
    expect(text(second.blocks)).toContain("Page 2 of");

    // Someone else opening their Home tab sees none of Raj's accounts.
    const strangers = await openHome(t, STRANGER);
    expect(listedUserNames(strangers.blocks, raj)).toEqual([]);
    expect(text(strangers.blocks)).toContain("You own no machine identity with an open finding");
    expect(t.slack.home(OWNER.id)?.view).toEqual(second);
  });

  it("filters by finding and by source, and ignores the Messages tab", async () => {
    const t = await setup();
    const home = await openHome(t, OWNER);
    const filters = home.blocks.find((b) => b.block_id === "warden_home_filters");
    const ruleMenu = filters?.elements?.find((e) => e.action_id === "warden_home_rule") as {
      options: { value: string; text: { text: string } }[];
    };
    const basic = ruleMenu.options.find((o) => o.value === "basic_auth");
    expect(basic?.text.text).toMatch(/\(\d+\)$/);
    const filtered = await clickHome(t, OWNER, {
      type: "static_select",
      action_id: "warden_home_rule",
      block_id: "warden_home_filters",
      selected_option: { value: "basic_auth", text: { type: "plain_text", text: basic?.text.text } },
    });
    const withBasic = riskyUserNames(t, RAJS, "basic_auth");
    expect(withBasic.length).toBeGreaterThan(0);
    const listed = listedUserNames(filtered.blocks, riskyUserNames(t, RAJS));
    expect(listed.sort()).toEqual(withBasic.slice(0, 5).sort());
    expect(text(filtered.blocks)).toContain("Basic auth");
    // The filter is kept in the view: a source filter narrows the same list further.
    expect(JSON.parse(filtered.private_metadata)).toMatchObject({ rule: "basic_auth", page: 1 });
    const bySource = await clickHome(t, OWNER, {
      type: "static_select",
      action_id: "warden_home_source",
      block_id: "warden_home_filters",
      selected_option: { value: "entra", text: { type: "plain_text", text: "Entra ID" } },
    });
    expect(JSON.parse(bySource.private_metadata)).toMatchObject({ rule: "basic_auth", source: "entra" });
    expect(listedUserNames(bySource.blocks, riskyUserNames(t, RAJS))).toEqual([]);
    expect(text(bySource.blocks)).toContain("None of them matches");

    // Opening the Messages tab publishes nothing.
    const before = t.slack.callsTo("views.publish").length;
    expect((await t.post(appHomeOpenedBody(OWNER.id, "messages"))).status).toBe(200);
    await openHome(t, STRANGER);
    expect(t.slack.callsTo("views.publish").filter((c) => c.args.user_id === OWNER.id)).toHaveLength(before);
  });

  it("applies a click from the Home tab through the decision path and publishes the tab again with the outcome", async () => {
    const t = await setup();
    const home = await openHome(t, OWNER);
    const disable = slackButtons(home).find((b) => b.action_id === "warden_disable") as SlackButton;
    const accountId = decodeActionPayload(disable.value)?.id as string;
    const after = await clickHome(t, OWNER, {
      type: "button",
      action_id: disable.action_id,
      block_id: "actions",
      value: disable.value,
    });
    const users = t.sim.data.tables.get("sys_user");
    expect(users?.rows[users.indexById.get(accountId) as number]?.active).toBe("false");
    expect(t.db.prepare("SELECT action, outcome, actor_email, message_id FROM decisions").get()).toEqual({
      action: "disable",
      outcome: "applied",
      actor_email: OWNER.email,
      message_id: null,
    });
    expect(text(after.blocks)).toMatch(/Disabled by <@URAJ> at <!date\^\d+\^/);
    const undo = slackButtons(after).find(
      (b) => b.action_id === "warden_undo" && decodeActionPayload(b.value)?.id === accountId,
    );
    expect(undo).toBeDefined();

    // Someone who is neither the owner nor an admin cannot use Raj's button: refused, audited, said in their tab.
    await openHome(t, STRANGER);
    const refused = await clickHome(t, STRANGER, {
      type: "button",
      action_id: "warden_undo",
      block_id: "actions",
      value: undo?.value,
    });
    expect(text(refused.blocks)).toMatch(/owner|admin/i);
    expect(users?.rows[users.indexById.get(accountId) as number]?.active).toBe("false");
    expect(
      t.db
        .prepare(
          "SELECT count(*) FROM audit_log WHERE event LIKE 'decision.refused%' OR event = 'decision.forbidden'",
        )
        .pluck()
        .get(),
    ).toBeGreaterThan(0);
  });

  it("applies a second Disable from the Home tab when the account was enabled again in the source and scanned", async () => {
    const t = await setup();
    const home = await openHome(t, OWNER);
    const disable = slackButtons(home).find((b) => b.action_id === "warden_disable") as SlackButton;
    const accountId = decodeActionPayload(disable.value)?.id as string;
    const press = (button: SlackButton) =>
      clickHome(t, OWNER, {
        type: "button",
        action_id: button.action_id,
        block_id: "actions",
        value: button.value,
      });
    await press(disable);
    const users = t.sim.data.tables.get("sys_user");
    const row = () => users?.rows[users.indexById.get(accountId) as number];
    expect(row()?.active).toBe("false");

    // Someone turns it back on in ServiceNow; the next scan finds it risky again and the tab offers Disable again.
    await t.warden.connectors
      .get("servicenow")
      .apply(accountId, { kind: "restore", values: { active: true, lockedOut: false } });
    t.advance(60 * 60 * 1000);
    await t.scan();
    const reopened = await openHome(t, OWNER);
    const again = slackButtons(reopened).find(
      (b) => b.action_id === "warden_disable" && decodeActionPayload(b.value)?.id === accountId,
    );
    expect(again).toBeDefined();
    const after = await press(again as SlackButton);
    expect(row()?.active).toBe("false");
    expect(t.db.prepare("SELECT action || ':' || outcome FROM decisions ORDER BY id").pluck().all()).toEqual([
      "disable:applied",
      "disable:applied",
    ]);
    expect(text(after.blocks)).not.toContain("already done");
  });

  it("answers /warden mine privately with the first page, and a click there replaces the answer", async () => {
    const t = await setup();
    const raj = riskyUserNames(t, RAJS);
    const answer = await t.command(OWNER, "mine", `D${OWNER.id}`);
    expect(answer.args.response_type).toBe("ephemeral");
    const blocks = answer.args.blocks as Block[];
    expect(listedUserNames(blocks, raj)).toHaveLength(5);
    expect(text(blocks)).toContain("Open warden's Home tab for the others");
    const keep = slackButtons({ blocks }).find((b) => b.action_id === "warden_disable") as SlackButton;
    const accountId = decodeActionPayload(keep.value)?.id as string;

    const before = t.slack.callsTo("response_url").length;
    const click = blockActionsPayload({
      userId: OWNER.id,
      actionId: keep.action_id,
      value: keep.value ?? "",
      channelId: `D${OWNER.id}`,
      messageTs: "1700000000.000900",
      // The fake keeps no ephemeral message to replace: a target-less response_url takes any answer.
      responseUrl: t.slack.responseUrl(),
    });
    (click.container as { is_ephemeral: boolean }).is_ephemeral = true;
    expect((await t.post(payloadBody(click))).status).toBe(200);
    const replaced = await t.slack.until(
      () => t.slack.callsTo("response_url")[before],
      "the answer to be replaced",
    );
    expect(replaced.args.replace_original).toBe(true);
    expect(text(replaced.args.blocks as Block[])).toMatch(/Disabled by <@URAJ> at <!date\^\d+\^/);
    expect(t.db.prepare("SELECT account_id FROM decisions WHERE outcome = 'applied'").pluck().get()).toBe(
      accountId,
    );

    // Someone who owns nothing is told so.
    const none = await t.command(STRANGER, "mine");
    expect(text(none.args.blocks as Block[])).toContain("You own no machine identity with an open finding");
  });
});
