import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { cardShownText } from "../helpers/rendered-text.js";
import { startWarden } from "../helpers/start-warden.js";
import {
  cardOf,
  executeActions,
  executeInvoke,
  personalConversationId,
  personalMessage,
  teamInstall,
} from "../helpers/teams-activities.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

/** The "Seen by warden" fact of a lookup card. */
function seenByWarden(card: unknown): string | undefined {
  const facts = (card as { body: { type: string; facts?: { title: string; value: string }[] }[] }).body
    .flatMap((b) => (b.type === "FactSet" ? (b.facts ?? []) : []))
    .find((f) => f.title === "Seen by warden");
  return facts?.value;
}

/** The bulk form's value for `userName` (its index in the message). */
function choiceFor(card: unknown, userName: string): string {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.id === "bulk.accounts") {
      found ??= (o.choices as { title: string; value: string }[]).find((c) =>
        c.title.startsWith(`${userName}:`),
      )?.value;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (found === undefined) throw new Error(`no bulk choice for ${userName}`);
  return found;
}

describe("times in the reader's time zone", () => {
  it("Teams: a lookup and plain-text notices use the zone the reader's client reported, saved for later activities; UTC, said, before", async () => {
    const t = await startWarden({ platform: "teams" });
    const raj = t.fake.addMember({ name: "Raj Patel", email: RAJ.email });
    expect((await t.post(teamInstall(t.fake.serviceUrl, raj, raj.tenantId))).status).toBe(200);
    await notifyOwners(t.warden);
    const conversationId = personalConversationId(raj);
    const dormant = t.sim.data.scenarios.dormant?.[0] as string;
    const lookup = async (activity: object) => {
      const before = t.fake.activities(conversationId).length;
      expect((await t.post(activity)).status).toBe(200);
      return cardOf(await t.fake.until(() => t.fake.activities(conversationId)[before], "the lookup"));
    };

    // No zone reported yet: UTC, saying so.
    const ask = personalMessage(t.fake.serviceUrl, raj, `lookup ${dormant}`);
    expect(seenByWarden(await lookup(ask))).toBe("first 2026-11-23 02:00 UTC, last 2026-11-23 02:00 UTC");
    // The client reports Europe/Berlin (UTC+1 in November): the same times, in Raj's zone and named.
    const berlin = { ...ask, id: "with-zone", localTimezone: "Europe/Berlin" };
    expect(seenByWarden(await lookup(berlin))).toBe(
      "first 2026-11-23 03:00 Europe/Berlin, last 2026-11-23 03:00 Europe/Berlin",
    );
    expect(t.db.prepare("SELECT platform, user_id, time_zone FROM chat_user_time_zones").all()).toEqual([
      { platform: "teams", user_id: raj.id, time_zone: "Europe/Berlin" },
    ]);
    // A name no time zone database has is data, not a zone: ignored, the saved one stays.
    const bogus = { ...ask, id: "bogus-zone", localTimezone: "Mars/Olympus_Mons" };
    expect(seenByWarden(await lookup(bogus))).toContain("Europe/Berlin");

    // Clicks carry no zone here: the saved one is used for their plain-text answers.
    const [message] = t.fake.activities(conversationId);
    const card = { conversationId, activityId: message!.id };
    const first = cardOf(message);
    const disable = executeActions(first).find(
      (a) => a.verb === "warden_disable" && a.data.id === t.idOf(dormant),
    );
    const bulk = executeActions(first).find((a) => a.verb === "warden_bulk");
    expect((await t.post(executeInvoke(t.fake.serviceUrl, raj, card, disable!))).status).toBe(200);
    // The form as first sent (a client that did not redraw it), picking the account just disabled.
    const data = { ...bulk!.data, "bulk.accounts": choiceFor(first, dormant), "bulk.action": "disable" };
    expect(
      (await t.post(executeInvoke(t.fake.serviceUrl, raj, card, { verb: "warden_bulk", data }))).status,
    ).toBe(200);
    const result = await t.fake.until(
      () => t.fake.activities(conversationId).find((a) => String(a.text ?? "").startsWith("Disable for")),
      "the bulk result",
    );
    expect(result.text).toContain(
      `${dormant}: skipped. Already decided in this message: Disabled by raj.patel@acme.example at 2026-11-23 03:00 Europe/Berlin.`,
    );
    // The card itself keeps DATE/TIME functions: each reader's client shows its own zone.
    expect(cardShownText(cardOf(t.fake.activities(conversationId)[0]))).toContain("Disabled by");
    expect(JSON.stringify(cardOf(t.fake.activities(conversationId)[0]))).toContain(
      "{{DATE(2026-11-23T02:00:00Z, SHORT)}} {{TIME(2026-11-23T02:00:00Z)}}",
    );
  });

  it("Slack: a lookup's Seen by warden times are date tokens each reader sees in their own zone", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ] });
    const dormant = t.sim.data.scenarios.dormant?.[0] as string;
    const answer = await t.command(RAJ, `lookup ${dormant}`);
    const unix = Date.parse("2026-11-23T02:00:00Z") / 1000;
    const token = `<!date^${unix}^{date_short_pretty} {time}|2026-11-23 02:00 UTC>`;
    expect(JSON.stringify(answer.args.blocks)).toContain(
      JSON.stringify(`*Seen by warden*\nfirst ${token}\nlast ${token}`).slice(1, -1),
    );
  });
});
