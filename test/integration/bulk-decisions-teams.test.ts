import { describe, expect, it } from "vitest";
import { checkAdaptiveCard } from "../../src/adapters/teams/render/index.js";
import { notifyOwners } from "../../src/app/post-digest.js";
import { assignOwner } from "../../src/remediation/assign-owner.js";
import { parseWithAdaptiveCards } from "../adapters/teams/parse-with-adaptivecards.js";
import { ADMIN_EMAIL, startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  submitMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

async function setup() {
  const t = await startWarden({ platform: "teams" });
  const raj = t.fake.addMember({ name: "Raj Patel", email: "raj.patel@acme.example" });
  const james = t.fake.addMember({ name: "James Okafor", email: "james.okafor@acme.example" });
  expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
  await notifyOwners(t.warden);
  const conversationId = personalConversationId(raj);
  const [message] = t.fake.activities(conversationId);
  if (!message) throw new Error("Raj got no card");
  const content = cardOf(message);
  expect(checkAdaptiveCard(content, { parse: parseWithAdaptiveCards })).toEqual([]);
  const bulk = executeActions(content).find((a) => a.verb === "warden_bulk");
  if (!bulk) throw new Error("no Decide for several… form");
  // The per-account choices of the form: value (index in the message) by user name.
  const accounts = new Map<string, string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.id === "bulk.accounts") {
      for (const c of o.choices as { title: string; value: string }[])
        accounts.set(c.title.split(":")[0]!, c.value);
    }
    Object.values(o).forEach(walk);
  };
  walk(content);
  const card = { conversationId, activityId: message.id };
  const replies = () => t.fake.activities(conversationId).map((a) => String(a.text ?? ""));
  return Object.assign(t, { raj, james, bulk, accounts, card, replies });
}

const patches = (t: { sim: { requests: { method: string }[] } }) =>
  t.sim.requests.filter((r) => r.method === "PATCH").length;

describe("Teams: bulk decisions from the Decide for several… form", () => {
  it("disables several accounts, skipping one already disabled and refusing one that is not Raj's; a second submit applies nothing twice", async () => {
    const t = await setup();
    const names = [...t.accounts.keys()];
    expect(names.length).toBeGreaterThanOrEqual(3);
    const [first, reassigned, ...others] = names as [string, string, ...string[]];
    const disable = executeActions(cardOf(t.fake.activities(t.card.conversationId)[0])).find(
      (a) => a.verb === "warden_disable" && a.data.id === t.idOf(first),
    );
    expect((await t.post(executeInvoke(t.fake.serviceUrl, t.raj, t.card, disable!))).status).toBe(200);
    expect(
      (
        await assignOwner(t.warden.store, {
          admins: [ADMIN_EMAIL],
          actor: { platform: "teams", id: "29:admin", email: ADMIN_EMAIL },
          source: "servicenow",
          accountId: t.idOf(reassigned),
          ownerEmail: "james.okafor@acme.example",
          now: t.now(),
        })
      ).ok,
    ).toBe(true);

    const data = {
      ...t.bulk.data,
      "bulk.accounts": [...t.accounts.values()].join(","),
      "bulk.action": "disable",
    };
    const before = patches(t);
    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.card, { verb: "warden_bulk", data }),
    );
    expect(answer.status).toBe(200);
    const reply = await t.fake.until(
      () => t.replies().find((r) => r.startsWith("Disable for")),
      "the bulk reply",
    );
    expect(reply).toContain(
      `Disable for ${names.length} accounts: ${others.length} done, 0 failed, 2 skipped.`,
    );
    expect(reply).toContain(`${first}: skipped. Already decided in this message: Disabled by raj`);
    expect(reply).toContain(`${reassigned}: skipped. Only ${reassigned}'s owner or a warden admin`);
    expect(patches(t)).toBeGreaterThan(before);
    const users = t.sim.data.tables.get("sys_user")!;
    const active = (name: string) => users.rows[users.indexById.get(t.idOf(name))!]!.active;
    for (const name of others) expect(active(name)).toBe("false");
    expect(active(reassigned)).toBe("true");
    // The card was updated in place with every decision.
    const updated = JSON.stringify(cardOf(t.fake.activities(t.card.conversationId)[0]));
    expect(updated.match(/Disabled by <at>raj\.patel@acme\.example<\/at>/g)?.length).toBe(others.length + 1);
    const applied = t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'applied'").pluck().get();
    expect(applied).toBe(others.length + 1);
    expect(
      t.db
        .prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.refused' AND subject = ?")
        .pluck()
        .get(`servicenow:${t.idOf(reassigned)}`),
    ).toBe(1);

    // The same form again, through the Action.Submit fallback: nothing is written twice.
    const afterFirst = patches(t);
    const count = t.replies().length;
    expect((await t.post(submitMessage(t.fake.serviceUrl, t.raj, t.card, data))).status).toBe(200);
    // Answered at once ("Applying…"), then the result.
    expect(t.replies()[count]).toMatch(/^Applying Disable to \d+ accounts…/);
    const second = await t.fake.until(
      () =>
        t
          .replies()
          .slice(count)
          .find((r) => r.startsWith("Disable for")),
      "the second result",
    );
    expect(second).toContain(
      `Disable for ${names.length} accounts: 0 done, 0 failed, ${names.length} skipped.`,
    );
    expect(patches(t)).toBe(afterFirst);
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'applied'").pluck().get()).toBe(
      applied,
    );
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE event = 'decision.bulk'").pluck().get()).toBe(
      2,
    );
  });

  it("answers a bulk at once, while its decisions still run, and updates the card with every decision when they are done", async () => {
    const t = await setup();
    const names = [...t.accounts.keys()];
    const data = {
      ...t.bulk.data,
      "bulk.accounts": [...t.accounts.values()].join(","),
      "bulk.action": "disable",
    };
    // The first ServiceNow write is held: no decision can finish the bulk before it is let go.
    const held = t.sim.holds.next({ method: "PATCH" });
    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, t.raj, t.card, { verb: "warden_bulk", data }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
    });
    expect(String((answer.body as { value: unknown }).value)).toMatch(
      new RegExp(`^Applying Disable to ${names.length} accounts…`),
    );
    const patch = await held;
    // Still running: no result yet, and the card shows no decision.
    expect(t.replies().some((r) => r.startsWith("Disable for"))).toBe(false);
    expect(JSON.stringify(cardOf(t.fake.activities(t.card.conversationId)[0]))).not.toContain("Disabled by");
    await patch.release();
    const reply = await t.fake.until(
      () => t.replies().find((r) => r.startsWith("Disable for")),
      "the bulk result",
    );
    expect(reply).toContain(
      `Disable for ${names.length} accounts: ${names.length} done, 0 failed, 0 skipped.`,
    );
    for (const name of names) expect(reply).toContain(`✓ ${name}: done.`);
    // The card was updated in place, once, with every decision, before the result was posted.
    const updates = t.fake.requestsOf("updateActivity").filter((r) => r.activityId === t.card.activityId);
    expect(updates).toHaveLength(1);
    const updated = JSON.stringify(cardOf(t.fake.activities(t.card.conversationId)[0]));
    expect(updated.match(/Disabled by <at>raj\.patel@acme\.example<\/at>/g)?.length).toBe(names.length);
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE outcome = 'applied'").pluck().get()).toBe(
      names.length,
    );
  });

  it("refuses a form sent from another conversation naming Raj's message, and names none of his accounts", async () => {
    const t = await setup();
    const { james } = t;
    expect((await t.post(teamInstall(t.fake.serviceUrl, james, james.tenantId))).status).toBe(200);
    const forged = { conversationId: personalConversationId(james), activityId: "1700000000000" };
    const data = {
      ...t.bulk.data,
      "bulk.accounts": [...t.accounts.values()].join(","),
      "bulk.action": "keep",
      "bulk.reason": "just looking",
    };
    const before = patches(t);
    const answer = await t.post(
      executeInvoke(t.fake.serviceUrl, james, forged, { verb: "warden_bulk", data }),
    );
    expect(answer.status).toBe(200);
    const said = JSON.stringify(answer.body);
    expect(said).toContain("does not belong to the message");
    for (const name of t.accounts.keys()) expect(said).not.toContain(name);
    expect(patches(t)).toBe(before);
    expect(t.db.prepare("SELECT count(*) FROM decisions").pluck().get()).toBe(0);
    const audit = t.db
      .prepare("SELECT actor, detail FROM audit_log WHERE event = 'decision.invalid' AND subject = ?")
      .all(`message:${t.bulk.data.m}`) as { actor: string; detail: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toContain("james.okafor@acme.example");
  });

  it("keeps every account with one finding for 30 days, with one reason", async () => {
    const t = await setup();
    const data = {
      ...t.bulk.data,
      "bulk.rules": "dormant,basic_auth",
      "bulk.action": "keep",
      "bulk.reason": "migration [ends](https://evil.example) in Q1",
      "bulk.expiresInDays": "30",
    };
    await t.post(executeInvoke(t.fake.serviceUrl, t.raj, t.card, { verb: "warden_bulk", data }));
    const reply = await t.fake.until(() => t.replies().find((r) => r.startsWith("Keep for")), "the reply");
    const kept = t.db
      .prepare("SELECT reason, expires_at FROM decisions WHERE action = 'keep' AND outcome = 'applied'")
      .all() as { reason: string; expires_at: string }[];
    expect(kept.length).toBeGreaterThan(0);
    expect(reply).toContain(`${kept.length} done`);
    for (const row of kept) {
      expect(row).toEqual({
        reason: "migration [ends](https://evil.example) in Q1",
        expires_at: new Date(t.now().getTime() + 30 * 86_400_000).toISOString(),
      });
    }
    expect(patches(t)).toBe(0);
    // The reason is data in the updated card: its Markdown is escaped.
    expect(JSON.stringify(cardOf(t.fake.activities(t.card.conversationId)[0]))).toContain(
      "migration \\\\[ends\\\\]\\\\(https://evil.example\\\\) in Q1",
    );
  });
});
