import { describe, expect, it, onTestFinished } from "vitest";
import { openWarden } from "../../src/app/open-warden.js";
import { startServer } from "../../src/app/start-server.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/logger.js";
import { runScan } from "../../src/scan/run-scan.js";
import { setOwnerOverride } from "../../src/store/owner-overrides.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";
import { startFakeBotConnector } from "../helpers/fake-bot-connector.js";
import { startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { postSlack, slashCommandBody } from "../helpers/sign-slack.js";
import { personalConversationId, personalMessage, postActivity } from "../helpers/teams-activities.js";
import { tempDbPath } from "../helpers/temp-db.js";

const SECRET = "lookup-privacy-secret";
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const STRANGER = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };
const JAMES = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
const PRIVATE = /is private: only its owner and warden admins can look it up/;
/** "Did you mean: …" naming `userName` (however the platform quotes it). */
const suggesting = (userName: string) => new RegExp(`Did you mean: [^"]*${userName}`);

/** A scanned database and the source's instance; `env` adds WARDEN_LOOKUP and the platform. */
async function scanned(env: Record<string, string>) {
  const source = await startDemoSource();
  const config = loadConfig({
    SERVICENOW_URL: source.sim.url,
    SERVICENOW_USERNAME: "warden",
    SERVICENOW_PASSWORD: "warden-demo",
    WARDEN_DB: tempDbPath(),
    // Written in another case than the chat user's address: compared by the one email rule.
    WARDEN_ADMINS: "SecOps@ACME.example",
    ...env,
  });
  const warden = await openWarden(config, { logger: silentLogger, now: () => NOW });
  onTestFinished(() => warden.close());
  await runScan({
    db: warden.db,
    connector: warden.connectors.get("servicenow"),
    now: () => NOW,
    logger: silentLogger,
    dormantDays: 100,
  });
  const server = await startServer(warden, { port: 0, host: "127.0.0.1" });
  onTestFinished(() => server.close());
  // Raj owns the dormant account in the demo data (its manager).
  const dormant = source.sim.data.scenarios.dormant?.[0] as string;
  return { ...source, warden, server, dormant, dormantId: source.idOf(dormant) };
}

function refusals(t: Awaited<ReturnType<typeof scanned>>) {
  return t.warden.db
    .prepare("SELECT actor, subject, detail FROM audit_log WHERE event = 'lookup.refused' ORDER BY id")
    .all() as { actor: string; subject: string; detail: string }[];
}

async function slackSetup(env: Record<string, string> = {}) {
  const slack = await startFakeSlackApi({ users: [OWNER, ADMIN, STRANGER, JAMES] });
  onTestFinished(() => slack.close());
  const t = await scanned({
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.url,
    ...env,
  });
  /** A signed `/warden <text>` from `user`; resolves with the text and blocks of the private answer. */
  const ask = async (user: { id: string }, text: string) => {
    const before = slack.callsTo("response_url").length;
    const body = slashCommandBody({
      text,
      userId: user.id,
      channelId: "C1",
      responseUrl: slack.responseUrl({ channel: "C1", user: user.id }),
    });
    expect((await postSlack(t.server.url, body, SECRET)).status).toBe(200);
    const answer = await slack.until(() => slack.callsTo("response_url")[before], `the answer to ${text}`);
    expect(answer.args.response_type).toBe("ephemeral");
    return JSON.stringify(answer.args);
  };
  return { ...t, slack, ask };
}

async function teamsSetup(env: Record<string, string> = {}) {
  const fake = await startFakeBotConnector();
  onTestFinished(() => fake.close());
  const members = {
    raj: fake.addMember({ name: OWNER.name, email: OWNER.email }),
    admin: fake.addMember({ name: ADMIN.name, email: ADMIN.email }),
    mallory: fake.addMember({ name: STRANGER.name, email: STRANGER.email }),
  };
  const t = await scanned({ TEAMS_ENABLED: "true", ...env });
  /** `text` in the member's 1:1 chat with warden; resolves with warden's answer there. */
  const ask = async (member: (typeof members)[keyof typeof members], text: string) => {
    const conversation = personalConversationId(member);
    const before = fake.activities(conversation).length;
    expect((await postActivity(t.server.url, personalMessage(fake.serviceUrl, member, text))).status).toBe(
      200,
    );
    const answer = fake.activities(conversation)[before];
    if (!answer) throw new Error(`warden did not answer ${text}`);
    // What the member reads: the card's text with its Markdown escapes resolved, or the message text.
    const card = (answer as { attachments?: { content?: unknown }[] }).attachments?.[0]?.content;
    return card ? cardShownText(card) : String((answer as { text?: unknown }).text ?? "");
  };
  return { ...t, fake, members, ask };
}

describe("lookups are private by default (WARDEN_LOOKUP=owners)", () => {
  it("Slack: answers the owner and an admin, tells anyone else it is private, and audits the refusal", async () => {
    const t = await slackSetup();
    expect(t.warden.config.lookup).toBe("owners");

    const owner = await t.ask(OWNER, `lookup ${t.dormant}`);
    expect(owner).toContain(t.dormant);
    expect(owner).toMatch(/[Dd]ormant/);
    const admin = await t.ask(ADMIN, `lookup ${t.dormant}`);
    expect(admin).toContain("raj.patel@acme.example");

    const stranger = await t.ask(STRANGER, `lookup ${t.dormant}`);
    expect(stranger).toMatch(PRIVATE);
    expect(stranger).not.toContain("raj.patel");
    // By sys_id too, and the answer does not turn the sys_id into a name.
    const byId = await t.ask(STRANGER, `lookup ${t.dormantId}`);
    expect(byId).toMatch(PRIVATE);
    expect(byId).not.toContain(t.dormant);

    const audited = refusals(t);
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({
      actor: "slack:UMAL <mallory@acme.example>",
      subject: `servicenow:${t.dormantId}`,
    });
    expect(JSON.parse(audited[0]!.detail)).toMatchObject({
      query: t.dormant,
      reason: "not the owner or an admin",
    });
  });

  it("Slack: 'did you mean' names only the asker's own accounts to a non-admin", async () => {
    const t = await slackSetup();
    const typo = t.dormant.slice(0, -2);
    expect(await t.ask(OWNER, `lookup ${typo}`)).toMatch(suggesting(t.dormant));
    expect(await t.ask(ADMIN, `lookup ${typo}`)).toMatch(suggesting(t.dormant));
    const stranger = await t.ask(STRANGER, `lookup ${typo}`);
    expect(stranger).toMatch(/No machine identity/);
    expect(stranger).not.toContain(t.dormant);
    expect(stranger).not.toContain("Did you mean");
  });

  it("Slack: follows the owner an admin assigned in chat, not the source's owner", async () => {
    const t = await slackSetup();
    setOwnerOverride(t.warden.db, {
      source: "servicenow",
      accountId: t.dormantId,
      ownerEmail: "James.Okafor@acme.example",
      assignedBy: ADMIN.email,
      assignedAt: NOW,
    });
    expect(await t.ask(JAMES, `lookup ${t.dormant}`)).toContain(t.dormant);
    expect(await t.ask(OWNER, `lookup ${t.dormant}`)).toMatch(PRIVATE);
    expect(refusals(t).map((r) => r.actor)).toEqual(["slack:URAJ <raj.patel@acme.example>"]);
  });

  it("Teams: answers the owner and an admin, tells anyone else it is private, and audits the refusal", async () => {
    const t = await teamsSetup();
    expect(await t.ask(t.members.raj, `lookup ${t.dormant}`)).toContain(t.dormant);
    expect(await t.ask(t.members.admin, `lookup ${t.dormant}`)).toContain("raj.patel@acme.example");
    const stranger = await t.ask(t.members.mallory, `lookup ${t.dormant}`);
    expect(stranger).toMatch(PRIVATE);
    expect(stranger).not.toContain("raj.patel");
    const near = await t.ask(t.members.mallory, `lookup ${t.dormant.slice(0, -2)}`);
    expect(near).not.toContain(t.dormant);

    const audited = refusals(t);
    expect(audited).toHaveLength(1);
    expect(audited[0]?.actor).toBe(`teams:${t.members.mallory.id} <mallory@acme.example>`);
    expect(audited[0]?.subject).toBe(`servicenow:${t.dormantId}`);
  });
});

describe("WARDEN_LOOKUP=everyone", () => {
  it("Slack: anyone may look any account up, with every suggestion, and nothing is refused", async () => {
    const t = await slackSetup({ WARDEN_LOOKUP: "everyone" });
    const stranger = await t.ask(STRANGER, `lookup ${t.dormant}`);
    expect(stranger).toContain(t.dormant);
    expect(stranger).toContain("raj.patel@acme.example");
    expect(await t.ask(STRANGER, `lookup ${t.dormant.slice(0, -2)}`)).toMatch(suggesting(t.dormant));
    expect(refusals(t)).toHaveLength(0);
  });

  it("Teams: anyone may look any account up, and nothing is refused", async () => {
    const t = await teamsSetup({ WARDEN_LOOKUP: "everyone" });
    const stranger = await t.ask(t.members.mallory, `lookup ${t.dormant}`);
    expect(stranger).toContain(t.dormant);
    expect(stranger).not.toMatch(PRIVATE);
    expect(refusals(t)).toHaveLength(0);
  });
});
