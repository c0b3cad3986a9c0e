import { describe, expect, it } from "vitest";
import { setOwnerOverride } from "../../src/store/owner-overrides.js";
import { NOW } from "../helpers/demo-source.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { type StartedWarden, startWarden } from "../helpers/start-warden.js";
import { personalConversationId, personalMessage } from "../helpers/teams-activities.js";

const SECRET = "lookup-privacy-secret";
const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const ADMIN = { id: "USEC", name: "SecOps", email: "secops@acme.example" };
const STRANGER = { id: "UMAL", name: "Mallory", email: "mallory@acme.example" };
const JAMES = { id: "UJAMES", name: "James Okafor", email: "james.okafor@acme.example" };
const PRIVATE = /is private: only its owner and warden admins can look it up/;
/** "Did you mean: …" naming `userName` (however the platform quotes it). */
const suggesting = (userName: string) => new RegExp(`Did you mean: [^"]*${userName}`);

/** The env of both platforms: WARDEN_LOOKUP from `env`, no admin or digest channel. */
function options(env: Record<string, string | undefined>) {
  return {
    // Written in another case than the chat user's address: compared by the one email rule.
    admins: ["SecOps@ACME.example"],
    env: { SLACK_ADMIN_CHANNEL: undefined, SLACK_DIGEST_CHANNEL: undefined, ...env },
  };
}

/** Raj owns the dormant account in the demo data (its manager). */
function dormantOf(t: StartedWarden) {
  const dormant = t.sim.data.scenarios.dormant?.[0] as string;
  return { dormant, dormantId: t.idOf(dormant) };
}

function refusals(t: StartedWarden) {
  return t.db
    .prepare("SELECT actor, subject, detail FROM audit_log WHERE event = 'lookup.refused' ORDER BY id")
    .all() as { actor: string; subject: string; detail: string }[];
}

async function slackSetup(env: Record<string, string> = {}) {
  const t = await startWarden({
    platform: "slack",
    users: [OWNER, ADMIN, STRANGER, JAMES],
    ...options({ SLACK_SIGNING_SECRET: SECRET, ...env }),
  });
  /** A signed `/warden <text>` from `user`; resolves with the text and blocks of the private answer. */
  const ask = async (user: { id: string }, text: string) => {
    const answer = await t.command(user, text);
    expect(answer.args.response_type).toBe("ephemeral");
    return JSON.stringify(answer.args);
  };
  return Object.assign(t, dormantOf(t), { ask });
}

async function teamsSetup(env: Record<string, string> = {}) {
  const t = await startWarden({
    platform: "teams",
    ...options({ TEAMS_ADMIN_CHANNEL: undefined, TEAMS_DIGEST_CHANNEL: undefined, ...env }),
  });
  const members = {
    raj: t.fake.addMember({ name: OWNER.name, email: OWNER.email }),
    admin: t.fake.addMember({ name: ADMIN.name, email: ADMIN.email }),
    mallory: t.fake.addMember({ name: STRANGER.name, email: STRANGER.email }),
  };
  /** `text` in the member's 1:1 chat with warden; resolves with warden's answer there. */
  const ask = async (member: (typeof members)[keyof typeof members], text: string) => {
    const conversation = personalConversationId(member);
    const before = t.fake.activities(conversation).length;
    expect((await t.post(personalMessage(t.fake.serviceUrl, member, text))).status).toBe(200);
    const answer = t.fake.activities(conversation)[before];
    if (!answer) throw new Error(`warden did not answer ${text}`);
    // What the member reads: the card's text with its Markdown escapes resolved, or the message text.
    const card = (answer as { attachments?: { content?: unknown }[] }).attachments?.[0]?.content;
    return card ? cardShownText(card) : String((answer as { text?: unknown }).text ?? "");
  };
  return Object.assign(t, dormantOf(t), { members, ask });
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
    setOwnerOverride(t.db, {
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
