import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { NOW } from "../helpers/demo-source.js";
import { grantThroughGroup, heldRoles } from "../helpers/group-grant.js";
import { type SlackWarden, slackButtons, startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const STRANGER = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };
const ACCOUNT = "svc_automation_admin";

async function setup() {
  const instance = generateInstance({ now: NOW, seed: 1 });
  // admin is granted directly; security_admin comes from a group, and must be left alone.
  grantThroughGroup(instance, ACCOUNT, "security_admin", "Platform Admins");
  return startWarden({ platform: "slack", users: [OWNER, STRANGER], instance });
}

/** Raj's DM and the button `actionId` of the account. */
function dmButton(t: SlackWarden, actionId: string) {
  const [message] = t.slack.messages(`D${OWNER.id}`);
  if (!message) throw new Error("Raj got no DM");
  const id = t.idOf(ACCOUNT);
  const buttons = slackButtons(message).filter((b) => decodeActionPayload(b.value)?.id === id);
  const button = buttons.find((b) => b.action_id === actionId);
  if (!button) throw new Error(`no ${actionId} button for ${ACCOUNT}`);
  return { message, button, buttons };
}

const settled = (t: SlackWarden) =>
  t.db.prepare("SELECT 1 FROM decisions WHERE outcome = 'pending'").get() === undefined || undefined;
const shown = (t: SlackWarden) => JSON.stringify(t.slack.messages(`D${OWNER.id}`)[0]?.blocks);

describe("Slack: Remove privileged role, from the button to ServiceNow's sys_user_has_role and back", () => {
  it("removes only the directly granted privileged role, names what it left alone, and Undo grants it again", async () => {
    const t = await setup();
    await notifyOwners(t.warden);
    const { message, button, buttons } = dmButton(t, "warden_remove_privileged_role");
    // The privileged finding is the riskiest one: its fix is the account's primary button.
    const styled = buttons.map((b) => [b.action_id, (b as { style?: string }).style]);
    expect(styled).toContainEqual(["warden_remove_privileged_role", "primary"]);
    expect(styled).toContainEqual(["warden_disable", "danger"]);
    const confirm = (button as { confirm?: { text: { text: string }; style?: string } }).confirm;
    expect(confirm?.style).toBe("danger");
    expect(confirm?.text.text).toContain(`${ACCOUNT} will be removed in ServiceNow`);
    // What uses the account now, from the scan's evidence (its API calls of the last 7 days).
    expect(confirm?.text.text).toMatch(
      /In use now: API calls \(7 days\): (GET|PATCH|POST) \/api\/now\/table\//,
    );

    // Someone else cannot: refused, audited, nothing written.
    expect((await t.click(STRANGER, { channel: `D${OWNER.id}`, ts: message.ts }, button)).status).toBe(200);
    await t.slack.until(() => t.slack.ephemerals(`D${OWNER.id}`)[0], "the refusal");
    expect(
      t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.refused'").pluck().get(),
    ).toBe(1);
    expect(heldRoles(t.sim.data, ACCOUNT).direct).toContain("admin");

    expect((await t.click(OWNER, { channel: `D${OWNER.id}`, ts: message.ts }, button)).status).toBe(200);
    await t.slack.until(
      () => (shown(t).includes(`Privileged roles removed by <@${OWNER.id}>`) ? true : undefined),
      "the DM to show the outcome",
    );
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({ direct: ["itil"], inherited: ["security_admin"] });
    expect(t.sim.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toEqual([204]);
    expect(shown(t)).toContain(
      "removed admin; left alone: security_admin (inherited from group Platform Admins); an inherited role stays while the account is in the group",
    );
    const decision = t.db
      .prepare("SELECT action, outcome, actor_email FROM decisions WHERE outcome != 'pending'")
      .get();
    expect(decision).toEqual({
      action: "remove_privileged_role",
      outcome: "applied",
      actor_email: OWNER.email,
    });

    const undo = dmButton(t, "warden_undo").button;
    await t.click(OWNER, { channel: `D${OWNER.id}`, ts: message.ts }, undo);
    await t.slack.until(
      () => (heldRoles(t.sim.data, ACCOUNT).direct.includes("admin") ? true : undefined),
      "admin to be granted again",
    );
    await t.slack.until(() => settled(t), "the undo to be recorded");
    expect(heldRoles(t.sim.data, ACCOUNT)).toEqual({
      direct: ["admin", "itil"],
      inherited: ["security_admin"],
    });
    const posts = t.sim.requests.filter((r) => r.method === "POST" && r.path.endsWith("/sys_user_has_role"));
    expect(posts.map((r) => r.status)).toEqual([201]);
    await t.slack.until(
      () => (shown(t).includes("granted again: admin") ? true : undefined),
      "the DM to show the undo",
    );
    const actions = t.db.prepare("SELECT action || ':' || outcome FROM decisions ORDER BY id").pluck().all();
    expect(actions).toEqual(["remove_privileged_role:applied", "undo:applied"]);
  });
});
