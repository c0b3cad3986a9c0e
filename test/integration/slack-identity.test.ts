import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData } from "../../src/sources/servicenow/simulator/instance-data.js";
import { NOW } from "../helpers/demo-source.js";
import type { FakeSlackApi, FakeSlackUser } from "../helpers/fake-slack-api.js";
import { type SlackButton, type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const HOUR = 3_600_000;
const JAMES: FakeSlackUser = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
const RAJ: FakeSlackUser = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/**
 * The demo instance and a Slack workspace with `users`; `ownerEmails` changes owners' emails in
 * ServiceNow before the first scan. The clock warden runs on is the test's (`advance`).
 */
function setup(options: {
  users: FakeSlackUser[];
  ownerEmails?: Record<string, string>;
  env?: Record<string, string>;
}) {
  const instance = generateInstance({ now: NOW, seed: 1 });
  for (const [userName, email] of Object.entries(options.ownerEmails ?? {}))
    setEmail(instance, userName, email);
  return startWarden({
    platform: "slack",
    users: options.users,
    instance,
    env: { SLACK_DIGEST_CHANNEL: undefined, ...options.env },
  });
}

type Setup = SlackWarden;

function setEmail(data: InstanceData, userName: string, email: string) {
  const row = data.tables.get("sys_user")?.rows.find((r) => r.user_name === userName);
  if (!row) throw new Error(`no user ${userName} in the simulated instance`);
  row.email = email;
}

/** The user's email changes in Slack (same user id). */
function changeSlackEmail(slack: FakeSlackApi, user: FakeSlackUser, email: string) {
  slack.users.delete(user.email);
  slack.users.set(email, { ...user, email });
}

/** The first DM a user got, and its Disable buttons (one per account that offers it). */
function disableButtons(slack: FakeSlackApi, user: { id: string }) {
  const [message] = slack.messages(`D${user.id}`);
  if (!message) throw new Error(`${user.id} got no DM`);
  const buttons = slackButtons(message).filter((e) => e.action_id === "warden_disable");
  return { message, buttons };
}

const userNameOf = (t: Setup, id: string) =>
  t.sim.data.tables.get("sys_user")?.rows.find((r) => r.sys_id === id)?.user_name as string;
const patches = (t: Setup) => t.sim.requests.filter((r) => r.method === "PATCH").length;
const refusals = (t: Setup) =>
  t.db.prepare("SELECT actor FROM audit_log WHERE event = 'decision.refused'").pluck().all();
const decision = (t: Setup, accountId: string) =>
  t.db
    .prepare("SELECT outcome, actor_email FROM decisions WHERE account_id = ? AND outcome != 'pending'")
    .get(accountId) as { outcome: string; actor_email: string } | undefined;

/** `user` clicks `button` on the DM `message` in `dmOf`'s channel. */
async function click(
  t: Setup,
  user: { id: string },
  dmOf: { id: string },
  message: { ts: string },
  button: SlackButton,
) {
  const response = await t.click(user, { channel: `D${dmOf.id}`, ts: message.ts }, button);
  expect(response.status).toBe(200);
}

/** Waits for the ephemeral notice number `index` in `dmOf`'s DM. */
const notice = (t: Setup, dmOf: { id: string }, index: number) =>
  t.slack.until(() => t.slack.ephemerals(`D${dmOf.id}`)[index], "the notice");

describe("Slack: owners are matched by the email rule, not by Unicode case folding", () => {
  it("refuses a user whose Slack email is a U+212A lookalike of the owner's", async () => {
    const lookalike = { id: "UMAL", name: "Mallory", email: "james.o\u212Aafor@acme.example" };
    // The old comparison's hole: JavaScript lower-cases KELVIN SIGN to "k".
    expect(lookalike.email.toLowerCase()).toBe(JAMES.email);
    const t = await setup({ users: [JAMES, lookalike] });
    await notifyOwners(t.warden);
    const { message, buttons } = disableButtons(t.slack, JAMES);
    const [button] = buttons;
    if (!button) throw new Error("James's DM offers no Disable");
    const accountId = decodeActionPayload(button.value)!.id;

    await click(t, lookalike, JAMES, message, button);
    const refused = (await notice(t, JAMES, 0)).text;
    expect(refused).toMatch(/Only .*'s owner or a warden admin can act on it/);
    // The look-alike is not told who the owner is.
    expect(refused).not.toContain(JAMES.email);
    expect(patches(t)).toBe(0);
    expect(refusals(t)).toEqual([`slack:UMAL <${lookalike.email}>`]);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);

    // James himself still can.
    await click(t, JAMES, JAMES, message, button);
    await t.slack.until(() => decision(t, accountId), "James's decision");
    expect(decision(t, accountId)).toEqual({ outcome: "applied", actor_email: JAMES.email });
    expect(patches(t)).toBe(1);
  });

  it("matches a non-ASCII email exactly, and refuses its upper-case form", async () => {
    const email = "r\u00E2j.patel@acme.example";
    const raj = { ...RAJ, email };
    const shouting = { id: "URAJ2", name: "Raj (other)", email: "R\u00C2J.patel@acme.example" };
    const t = await setup({ users: [raj, shouting], ownerEmails: { "raj.patel": email } });
    await notifyOwners(t.warden);
    const { message, buttons } = disableButtons(t.slack, raj);
    const [first, second] = buttons;
    if (!first || !second) throw new Error("Raj's DM offers fewer than two Disable buttons");

    // "Â" is not lower-cased: a different local part, so not the owner.
    await click(t, shouting, raj, message, first);
    expect((await notice(t, raj, 0)).text).toMatch(/Only .*'s owner/);
    expect(patches(t)).toBe(0);

    await click(t, raj, raj, message, second);
    const id = decodeActionPayload(second.value)!.id;
    expect(await t.slack.until(() => decision(t, id), "Raj's decision")).toEqual({
      outcome: "applied",
      actor_email: email,
    });
    expect(patches(t)).toBe(1);
  });

  it("matches an owner whose Slack email differs only in ASCII case", async () => {
    const raj = { ...RAJ, email: "Raj.Patel@ACME.Example" };
    const t = await setup({ users: [raj] });
    await notifyOwners(t.warden);
    const { message, buttons } = disableButtons(t.slack, raj);
    const [button] = buttons;
    if (!button) throw new Error("Raj's DM offers no Disable");
    const id = decodeActionPayload(button.value)!.id;
    // A fresh read: the sender's cached lookup has expired, so users.info answers with Slack's spelling.
    t.advance(25 * HOUR);
    await click(t, raj, raj, message, button);
    expect(await t.slack.until(() => decision(t, id), "Raj's decision")).toEqual({
      outcome: "applied",
      actor_email: RAJ.email,
    });
    expect(t.slack.callsTo("users.info")).toHaveLength(1);
  });
});

describe("Slack: a cached user email expires (WARDEN_USER_CACHE_HOURS)", () => {
  it("re-reads the email after the lifetime: an owner whose email changed cannot act as the old owner", async () => {
    const t = await setup({ users: [RAJ], env: { WARDEN_USER_CACHE_HOURS: "2" } });
    await notifyOwners(t.warden);
    const { message, buttons } = disableButtons(t.slack, RAJ);
    const [a, b, c] = buttons;
    if (!a || !b || !c) throw new Error("Raj's DM offers fewer than three Disable buttons");
    const idOf = (button: SlackButton) => decodeActionPayload(button.value)!.id;

    // Raj acts as the owner.
    await click(t, RAJ, RAJ, message, a);
    expect(await t.slack.until(() => decision(t, idOf(a)), "the first decision")).toMatchObject({
      outcome: "applied",
    });

    // His email changes in Slack. Within the lifetime warden still uses what it read (documented).
    changeSlackEmail(t.slack, RAJ, "raj.patel.new@acme.example");
    t.advance(HOUR);
    await click(t, RAJ, RAJ, message, b);
    expect(await t.slack.until(() => decision(t, idOf(b)), "the second decision")).toMatchObject({
      outcome: "applied",
    });
    expect(t.slack.callsTo("users.info")).toHaveLength(0);
    const written = patches(t);

    // Past the lifetime, the click reads Slack again and is refused: he is not the owner any more.
    t.advance(HOUR + 1);
    await click(t, RAJ, RAJ, message, c);
    expect((await notice(t, RAJ, 0)).text).toMatch(/Only .*'s owner or a warden admin can act on it/);
    expect(t.slack.callsTo("users.info")).toHaveLength(1);
    expect(patches(t)).toBe(written);
    expect(decision(t, idOf(c))).toBeUndefined();
    expect(refusals(t)).toEqual(["slack:URAJ <raj.patel.new@acme.example>"]);

    // Messages for the old address no longer reach him: the next one (a new risky account of his
    // makes one; an unchanged set is not sent again) goes to the admins.
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.scan();
    const adminBefore = t.slack.messages("CADMIN").length;
    const sent = await notifyOwners(t.warden);
    expect(sent.rerouted).toBeGreaterThan(0);
    expect(t.slack.messages(`D${RAJ.id}`)).toHaveLength(1);
    const rerouted = JSON.stringify(t.slack.messages("CADMIN").slice(adminBefore));
    expect(rerouted).toContain(userNameOf(t, idOf(c)));
    expect(
      t.db
        .prepare("SELECT last_error FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
        .pluck()
        .get(RAJ.email),
    ).toMatch(/no Slack user with the email raj\.patel@acme\.example; sent to the admin channel/);
  });
});
