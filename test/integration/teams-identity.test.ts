import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import {
  type FakeBotConnector,
  type FakeTeamsMember,
  startFakeBotConnector,
} from "../helpers/fake-bot-connector.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  postActivity,
  teamInstall,
} from "../helpers/teams-activities.js";
import { tempDbPath } from "../helpers/temp-db.js";

const HOUR = 3_600_000;
const ADMIN_CHANNEL = "19:admins@thread.tacv2";

async function setup(env: Record<string, string> = {}) {
  const source = await startDemoSource();
  const fake = await startFakeBotConnector();
  onTestFinished(() => fake.close());
  const raj = fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const config = loadConfig({
    SERVICENOW_URL: source.sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    TEAMS_ENABLED: "true",
    TEAMS_ADMIN_CHANNEL: ADMIN_CHANNEL,
    WARDEN_DB: tempDbPath(),
    WARDEN_ADMINS: "secops@acme.example",
    ...env,
  });
  let clock = NOW.getTime();
  const now = () => new Date(clock);
  const warden = await openWarden(config, { logger: silentLogger, now });
  onTestFinished(() => warden.close());
  const scan = () =>
    runScan({
      db: warden.db,
      connector: warden.connectors.get("servicenow"),
      now,
      logger: silentLogger,
      dormantDays: 100,
    });
  await scan();
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  const post = (activity: object) => postActivity(server.url, activity);
  const advance = (ms: number) => {
    clock += ms;
  };
  return { ...source, fake, warden, server, raj, post, scan, advance };
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
    expect(JSON.stringify(first.body)).toMatch(/Disabled by raj\.patel@acme\.example/);

    // His email changes in the tenant. Within the lifetime warden uses what it read (documented).
    changeTeamsEmail(t.fake, t.raj, "raj.patel.new@acme.example");
    t.advance(HOUR);
    const second = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, b));
    expect(JSON.stringify(second.body)).toMatch(/Disabled by raj\.patel@acme\.example/);
    expect(getMember()).toHaveLength(0);
    const written = patches(t);

    // Past the lifetime the click reads the roster again and is refused.
    t.advance(HOUR + 1);
    const third = await t.post(executeInvoke(t.fake.serviceUrl, t.raj, card, c));
    expect(third.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message" });
    expect(JSON.stringify(third.body)).toMatch(/Only .*'s owner \(raj\.patel@acme\.example\)/);
    expect(getMember()).toHaveLength(1);
    expect(patches(t)).toBe(written);
    expect(
      t.warden.db.prepare("SELECT actor FROM audit_log WHERE event = 'decision.refused'").pluck().all(),
    ).toEqual([`teams:${t.raj.id} <raj.patel.new@acme.example>`]);
    expect(
      t.warden.db.prepare("SELECT count(*) FROM decisions WHERE account_id = ?").pluck().get(c.data.id),
    ).toBe(0);

    // Messages for the old address no longer reach him: the next one (a new risky account of his
    // makes one; an unchanged set is not sent again) goes to the admins.
    await t.warden.connectors
      .get("servicenow")
      .apply(t.idOf("svc_cmdb_discovery"), { kind: "restore", values: { webServiceAccessOnly: false } });
    await t.scan();
    const adminBefore = t.fake.activities(ADMIN_CHANNEL).length;
    const sent = await notifyOwners(t.warden);
    expect(sent.rerouted).toBeGreaterThan(0);
    expect(t.fake.activities(conversationId)).toHaveLength(1);
    expect(t.fake.activities(ADMIN_CHANNEL).length).toBeGreaterThan(adminBefore);
    expect(
      t.warden.db
        .prepare("SELECT last_error FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1")
        .pluck()
        .get("raj.patel@acme.example"),
    ).toMatch(/no member raj\.patel@acme\.example in the Teams teams where warden is installed/);
  });
});
