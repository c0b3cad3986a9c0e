import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import type { FakeBotConnector, FakeTeamsMember } from "../helpers/fake-bot-connector.js";
import { startWarden, TEAMS_ADMIN_CHANNEL } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  teamInstall,
} from "../helpers/teams-activities.js";

const HOUR = 3_600_000;

async function setup(env: Record<string, string> = {}) {
  const t = await startWarden({ platform: "teams", env: { TEAMS_DIGEST_CHANNEL: undefined, ...env } });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  return Object.assign(t, { raj });
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The member's email (and UPN) changes in the tenant; their Teams and AAD ids stay. */
function changeTeamsEmail(fake: FakeBotConnector, member: FakeTeamsMember, email: string) {
  fake.members.delete(member.email);
  fake.members.delete(member.userPrincipalName);
  member.email = email;
  member.userPrincipalName = email;
  fake.members.set(email, member);
}

const patches = (t: Setup) => t.sim.requests.filter((r) => r.method === "PATCH").length;

describe("Teams: a cached user email expires (WARDEN_USER_CACHE_HOURS)", () => {
  it("re-reads the roster after the lifetime: an owner whose email changed cannot act as the old owner", async () => {
    const t = await setup({ WARDEN_USER_CACHE_HOURS: "2" });
    expect((await t.post(teamInstall(t.fake.serviceUrl, t.raj, t.raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(t.raj);
    const [message] = t.fake.activities(conversationId);
    if (!message) throw new Error("Raj got no card");
    const card = { conversationId, activityId: message.id };
    const [a, b, c] = executeActions(cardOf(message)).filter((x) => x.verb === "warden_disable");
    if (!a || !b || !c) throw new Error("Raj's card offers fewer than three Disable actions");
    const getMember = () => t.fake.requestsOf("getMember").filter((r) => r.memberId === t.raj.id);

    // Raj acts as the owner.
    const first = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, a));
    expect(JSON.stringify(first.body)).toMatch(/Disabled by <at>raj\.patel@acme\.example<\/at>/);

    // His email changes in the tenant. Within the lifetime warden uses what it read (documented).
    changeTeamsEmail(t.fake, t.raj, "raj.patel.new@acme.example");
    t.advance(HOUR);
    const second = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, b));
    expect(JSON.stringify(second.body)).toMatch(/Disabled by <at>raj\.patel@acme\.example<\/at>/);
    expect(getMember()).toHaveLength(0);
    const written = patches(t);

    // Past the lifetime the click reads the roster again and is refused.
    t.advance(HOUR + 1);
    const third = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, c));
    expect(third.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
    expect(JSON.stringify(third.body)).toMatch(/Only .*'s owner or a warden admin can act on it/);
    expect(getMember()).toHaveLength(1);
    expect(patches(t)).toBe(written);
    expect(
      t.db.prepare("SELECT actor FROM audit_log WHERE event = 'decision.refused'").pluck().all(),
    ).toEqual([`teams:${t.raj.id} <raj.patel.new@acme.example>`]);
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE account_id = ?").pluck().get(c.data.id)).toBe(
      0,
    );

    // Messages for the old address no longer reach him: the next one (a new risky account of his
    // makes one; an unchanged set is not sent again) goes to the admins.
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.scan();
    const adminBefore = t.fake.activities(TEAMS_ADMIN_CHANNEL).length;
    const sent = await notifyOwners(t.warden);
    expect(sent.rerouted).toBeGreaterThan(0);
    expect(t.fake.activities(conversationId)).toHaveLength(1);
    expect(t.fake.activities(TEAMS_ADMIN_CHANNEL).length).toBeGreaterThan(adminBefore);
    expect(
      t.db
        .prepare("SELECT last_error FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
        .pluck()
        .get("raj.patel@acme.example"),
    ).toMatch(/no member raj\.patel@acme\.example in the Teams teams where warden is installed/);
  });
});
