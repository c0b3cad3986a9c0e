import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { UNOWNED_REPEAT_DAYS } from "../../src/notify/enqueue-owner-messages.js";
import { unpackPayload } from "../../src/store/packed-payload.js";
import { SLACK_ADMIN_CHANNEL, type SlackWarden, startWarden } from "../helpers/start-warden.js";

const RAJ = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };
const DAY = 86_400_000;

/**
 * The admin channel's posts of accounts with no owner (not the reroutes of an unreachable owner's
 * accounts), oldest first, each with the user names it listed and whether Slack got it.
 */
function unownedPosts(t: SlackWarden) {
  const rows = t.db
    .prepare("SELECT id, status, payload FROM outbox WHERE kind = 'unowned' AND recipient = ? ORDER BY id")
    .all(SLACK_ADMIN_CHANNEL) as { id: number; status: string; payload: string }[];
  const posts = rows
    .filter(
      (row) =>
        (unpackPayload(JSON.parse(row.payload)) as { unreachableOwner?: unknown }).unreachableOwner ===
        undefined,
    )
    .map(({ id, status }) => ({ id, status }));
  const names = t.db.prepare(
    `SELECT a.user_name FROM message_accounts m JOIN accounts a ON a.source = m.source AND a.id = m.account_id
      WHERE m.outbox_id = ? ORDER BY a.user_name`,
  );
  return posts.map((post) => ({ ...post, listed: names.pluck().all(post.id) as string[] }));
}

describe("the admin channel's list of accounts with no reachable owner", () => {
  it("is posted whole once, then only with what is new to it, and whole again as a reminder a month on", async () => {
    const t = await startWarden({ platform: "slack", users: [RAJ] });
    await notifyOwners(t.warden);
    const [first] = unownedPosts(t);
    expect(unownedPosts(t)).toHaveLength(1);
    expect(first?.status).toBe("sent");
    const unowned = first?.listed ?? [];
    expect(unowned.length).toBeGreaterThan(1);
    const slackPosts = t.slack.messages(SLACK_ADMIN_CHANNEL).length;

    // The next day an account of Raj's loses its manager: only that one is posted.
    const dormant = t.sim.data.scenarios.dormant?.[0] as string;
    const users = t.sim.data.tables.get("sys_user");
    const row = users?.rows[users.indexById.get(t.idOf(dormant)) ?? -1];
    if (!row) throw new Error(`no sys_user row for ${dormant}`);
    row.manager = "";
    t.advance(DAY);
    await t.scan();
    await notifyOwners(t.warden);
    expect(unownedPosts(t).map((p) => p.listed)).toEqual([unowned, [dormant]]);
    expect(t.slack.messages(SLACK_ADMIN_CHANNEL).length).toBe(slackPosts + 1);

    // Nothing new the day after: nothing posted.
    t.advance(DAY);
    await t.scan();
    await notifyOwners(t.warden);
    expect(unownedPosts(t)).toHaveLength(2);

    // A month on, still without owners: the whole list again, once.
    t.advance(UNOWNED_REPEAT_DAYS * DAY);
    await t.scan();
    await notifyOwners(t.warden);
    await notifyOwners(t.warden);
    const posts = unownedPosts(t);
    expect(posts).toHaveLength(3);
    expect(posts[2]?.listed).toEqual([...unowned, dormant].sort());
  });
});
