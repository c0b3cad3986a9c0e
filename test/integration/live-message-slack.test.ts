import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import type { FakeSlackApi, SlackShownMessage } from "../helpers/fake-slack-api.js";
import { slackHttpError } from "../helpers/fake-slack-api.js";
import { HOSTILE_NAME, slackMarkupProblems, slackShownText } from "../helpers/rendered-text.js";
import { blockActionsBody, blockActionsPayload, payloadBody, postSlack } from "../helpers/sign-slack.js";
import { startWarden } from "../helpers/start-warden.js";

const SECRET = "test-signing-secret";
const HOUR = 3_600_000;
const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const JAMES = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
const ADA = { id: "UADA", name: "Ada Lovelace", email: "ada.lovelace@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const RAJ_DM = `D${RAJ.id}`;

interface Button {
  action_id: string;
  value?: string;
}

/** Owner actions; Undo is not one (it acts on a decision, not on the account's findings). */
const ACTION_BUTTONS = new Set(["warden_disable", "warden_restrict", "warden_keep", "warden_not_mine"]);

async function setup() {
  const t = await startWarden({
    platform: "slack",
    users: [RAJ, JAMES, ADA, ADMIN],
    admins: [ADMIN.email],
    env: { SLACK_DIGEST_CHANNEL: undefined },
  });
  /** An hour later, a scan of what the source holds now. */
  const rescan = async () => {
    t.advance(HOUR);
    await t.scan();
  };
  return Object.assign(t, { rescan });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The buttons of a message's actions blocks. */
function buttonsOf(message: { blocks?: unknown }): Button[] {
  return ((message.blocks ?? []) as { type: string; elements?: Button[] }[])
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);
}

/** The accounts `message` offers action buttons for. */
function liveAccounts(message: SlackShownMessage): string[] {
  const ids = buttonsOf(message)
    .filter((b) => ACTION_BUTTONS.has(b.action_id))
    .map((b) => decodeActionPayload(b.value)?.id ?? "");
  return [...new Set(ids)];
}

/** Every account with live buttons in more than one message anywhere in the workspace. */
function accountsWithTwoLiveMessages(slack: FakeSlackApi, channels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const channel of channels) {
    for (const message of slack.messages(channel)) {
      for (const id of liveAccounts(message)) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/** How many messages and updates the fake received so far. */
const sends = (t: Setup) => ({
  posts: t.slack.callsTo("chat.postMessage").length,
  updates: t.slack.callsTo("chat.update").length,
});

function click(t: Setup, user: { id: string }, channel: string, ts: string, button: Button) {
  return postSlack(
    t.server.url,
    blockActionsBody({
      userId: user.id,
      actionId: button.action_id,
      value: button.value ?? "",
      channelId: channel,
      messageTs: ts,
      responseUrl: t.slack.responseUrl({ channel, ts, user: user.id }),
    }),
    SECRET,
  );
}

/** An admin picks `owner` in the admin message's owner picker for `accountId`. */
function pickOwner(t: Setup, posted: SlackShownMessage, accountId: string, owner: { id: string }) {
  const picker = (posted.blocks as { block_id?: string; accessory?: { action_id?: string } }[]).find(
    (b) => b.accessory?.action_id === "warden_assign_owner" && b.block_id?.includes(accountId),
  );
  if (!picker) throw new Error(`no owner picker for ${accountId}`);
  const payload = blockActionsPayload({
    userId: ADMIN.id,
    actionId: "warden_assign_owner",
    channelId: "CADMIN",
    messageTs: posted.ts,
    responseUrl: t.slack.responseUrl({ channel: "CADMIN", ts: posted.ts, user: ADMIN.id }),
  });
  payload.actions = [
    {
      type: "users_select",
      block_id: picker.block_id,
      action_id: "warden_assign_owner",
      selected_user: owner.id,
      action_ts: "1.2",
    },
  ];
  return postSlack(t.server.url, payloadBody(payload), SECRET);
}

describe("Slack: one live message per owner", () => {
  it("sends one new message for a new account, strips the older one in place, and never re-sends what did not change", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const [first] = t.slack.messages(RAJ_DM);
    expect(t.slack.messages(RAJ_DM)).toHaveLength(1);
    const firstAccounts = liveAccounts(first!);
    expect(firstAccounts).toHaveLength(3);
    const staleDisable = buttonsOf(first!).find((b) => b.action_id === "warden_disable")!;

    // Nothing changed: a second notify sends and updates nothing.
    const before = sends(t);
    await t.rescan();
    await notifyOwners(t.warden);
    expect(sends(t)).toEqual(before);

    // One of Raj's clean accounts becomes risky (Web Service Access Only turned off).
    const cmdb = t.idOf("svc_cmdb_discovery");
    await t.warden.connectors
      .get("servicenow")
      .apply(cmdb, { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.rescan();
    await notifyOwners(t.warden);
    const [old, second] = await t.slack.until(
      () => (t.slack.messages(RAJ_DM).length === 2 ? t.slack.messages(RAJ_DM) : undefined),
      "Raj's second message",
    );
    // The new message lists every account still open for Raj, with its buttons.
    expect(new Set(liveAccounts(second!))).toEqual(new Set([...firstAccounts, cmdb]));
    // The older one was updated in place: same ts, no buttons, a pointer to the new one.
    const update = await t.slack.until(
      () => t.slack.callsTo("chat.update").find((c) => c.args.ts === first!.ts),
      "the first message to be updated",
    );
    expect(update.args.channel).toBe(RAJ_DM);
    expect(old!.ts).toBe(first!.ts);
    expect(buttonsOf(old!)).toEqual([]);
    expect(slackShownText(old!)).toContain(
      "Superseded by warden's message of 2026-11-23 04:00 UTC: use that one",
    );
    // As sent: a date token, so each reader sees the newer message's time in their own zone.
    const newer = Date.parse("2026-11-23T04:00:00Z") / 1000;
    expect(JSON.stringify(old!.blocks)).toContain(
      `Superseded by warden's message of <!date^${newer}^{date_short_pretty} {time}|2026-11-23 04:00 UTC>: use that one`,
    );
    expect(accountsWithTwoLiveMessages(t.slack, [RAJ_DM])).toEqual([]);

    // A client still showing the old buttons: the click is refused as stale, nothing is written.
    const patches = t.sim.requests.filter((r) => r.method === "PATCH").length;
    expect((await click(t, RAJ, RAJ_DM, first!.ts, staleDisable)).status).toBe(200);
    const notice = await t.slack.until(() => t.slack.ephemerals(RAJ_DM)[0], "the stale notice");
    expect(notice.text).toMatch(/replaced by warden's message of 2026-11-23 04:00 UTC: use that one/);
    // Shown as a date token: the clicker sees the newer message's time in their own zone.
    expect(JSON.stringify(notice.blocks)).toContain(
      `replaced by warden's message of <!date^${newer}^{date_short_pretty} {time}|2026-11-23 04:00 UTC>: use that one`,
    );
    expect(t.sim.requests.filter((r) => r.method === "PATCH").length).toBe(patches);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);

    // The same state again: nothing is sent.
    const settled = sends(t);
    await t.rescan();
    await notifyOwners(t.warden);
    expect(sends(t)).toEqual(settled);

    // An account fixed in the source: the live message is updated in place, no new message.
    const dormant = t.idOf(t.sim.data.scenarios.dormant?.[0] as string);
    await t.warden.connectors.get("servicenow").apply(dormant, { kind: "disable" });
    await t.rescan();
    await notifyOwners(t.warden);
    await t.slack.until(
      () => t.slack.callsTo("chat.update").find((c) => c.args.ts === second!.ts),
      "the second message to be updated",
    );
    expect(t.slack.messages(RAJ_DM)).toHaveLength(2);
    const current = t.slack.messages(RAJ_DM)[1]!;
    expect(slackShownText(current)).toMatch(/fixed in ServiceNow directly/);
    expect(liveAccounts(current)).not.toContain(dormant);
    // The superseded message was left as it was (it only points to the newer one).
    expect(t.slack.callsTo("chat.update").filter((c) => c.args.ts === first!.ts)).toHaveLength(1);
    expect(t.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === RAJ_DM)).toHaveLength(2);
    expect(accountsWithTwoLiveMessages(t.slack, [RAJ_DM])).toEqual([]);
  });

  it("leaves the live message's buttons alone while the newer message cannot be delivered", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const [first] = t.slack.messages(RAJ_DM);
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.rescan();
    // Slack fails the new DM (a 5xx can clear: it stays queued).
    t.slack.script("chat.postMessage", slackHttpError(503));
    const failed = await notifyOwners(t.warden);
    expect(failed.retrying).toBeGreaterThan(0);
    expect(t.slack.messages(RAJ_DM)).toHaveLength(1);
    expect(t.slack.callsTo("chat.update")).toHaveLength(0);
    expect(liveAccounts(t.slack.messages(RAJ_DM)[0]!)).toHaveLength(3);

    // Delivered on the next run: only then is the older one superseded.
    await t.rescan();
    await notifyOwners(t.warden);
    await t.slack.until(
      () => t.slack.callsTo("chat.update").find((c) => c.args.ts === first!.ts),
      "the first message to be updated",
    );
    expect(t.slack.messages(RAJ_DM)).toHaveLength(2);
    expect(liveAccounts(t.slack.messages(RAJ_DM)[0]!)).toEqual([]);
    expect(liveAccounts(t.slack.messages(RAJ_DM)[1]!)).toHaveLength(4);
  });

  it("greets an assigned owner by name, and the account no longer says 'No owner'", async () => {
    const t = await setup();
    // An account nobody owns that is also risky for another reason.
    const orphan = t.idOf("svc_ticket_export");
    await t.warden.connectors
      .get("servicenow")
      .apply(orphan, { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.rescan();
    await notifyOwners(t.warden);
    const posted = t.slack.messages("CADMIN").find((m) => JSON.stringify(m.blocks).includes(orphan));
    expect(slackShownText(posted!)).toContain("No owner");

    await pickOwner(t, posted!, orphan, ADA);
    await t.slack.until(
      () => t.db.prepare("SELECT owner_name FROM owner_overrides").pluck().get() as string | undefined,
      "the assignment",
    );
    await notifyOwners(t.warden);
    const [greeting] = await t.slack.until(
      () => (t.slack.messages(`D${ADA.id}`).length > 0 ? t.slack.messages(`D${ADA.id}`) : undefined),
      "Ada's message",
    );
    const shown = slackShownText(greeting!);
    expect(shown).toContain("Hi Ada Lovelace, svc_ticket_export was assigned to you by secops@acme.example");
    expect(shown).not.toContain("No owner");
    expect(liveAccounts(greeting!)).toEqual([orphan]);

    // The next scan resolves the finding itself, and Ada is not messaged again for it.
    const before = sends(t);
    await t.rescan();
    const open = t.db
      .prepare("SELECT rule FROM findings WHERE account_id = ? AND resolved_at IS NULL ORDER BY rule")
      .pluck()
      .all(orphan);
    expect(open).toEqual(["wsao_disabled"]);
    await notifyOwners(t.warden);
    expect(sends(t)).toEqual(before);
  });

  it("'Not mine' tells the admins who, when and whose, escaped; the reassigned account leaves the old owner's message in place", async () => {
    const t = await setup();
    // Raj's name in ServiceNow is hostile markup.
    const users = t.sim.data.tables.get("sys_user")!;
    users.rows.find((r) => r.user_name === "raj.patel")!.name = HOSTILE_NAME;
    await t.rescan();
    await notifyOwners(t.warden);
    const [dm] = t.slack.messages(RAJ_DM);
    const notMine = buttonsOf(dm!).find((b) => b.action_id === "warden_not_mine")!;
    const accountId = decodeActionPayload(notMine.value)!.id;
    const adminBefore = t.slack.messages("CADMIN").length;
    await click(t, RAJ, RAJ_DM, dm!.ts, notMine);
    const posted = await t.slack.until(() => t.slack.messages("CADMIN")[adminBefore], "the admin post");
    expect(slackMarkupProblems(posted)).toEqual([]);
    expect(slackShownText(posted)).toContain(
      `Not mine: raj.patel@acme.example said at 2026-11-23 03:00 UTC that this account is not theirs. Owner of record: ${HOSTILE_NAME} <raj.patel@acme.example> (from servicenow).`,
    );

    // An admin gives it to James: Raj's message says so in place; James gets it, by name.
    await pickOwner(t, posted, accountId, JAMES);
    await t.slack.until(
      () => t.db.prepare("SELECT owner_email FROM owner_overrides").pluck().get() as string | undefined,
      "the assignment",
    );
    const rajPosts = t.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === RAJ_DM).length;
    await notifyOwners(t.warden);
    await t.slack.until(
      () => t.slack.callsTo("chat.update").find((c) => c.args.ts === dm!.ts),
      "Raj's message to be updated",
    );
    expect(t.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === RAJ_DM)).toHaveLength(
      rajPosts,
    );
    expect(slackShownText(t.slack.messages(RAJ_DM)[0]!)).toMatch(
      /Assigned to james\.okafor@acme\.example by secops@acme\.example/,
    );
    const james = t.slack.messages(`D${JAMES.id}`).at(-1)!;
    expect(slackShownText(james)).toMatch(
      /^Hi James Okafor, .* was assigned to you by secops@acme\.example/m,
    );
    expect(liveAccounts(james)).toContain(accountId);
    expect(accountsWithTwoLiveMessages(t.slack, [RAJ_DM, `D${JAMES.id}`, "CADMIN"])).toEqual([]);
  });
});
