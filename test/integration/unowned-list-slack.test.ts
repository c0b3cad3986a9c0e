import { describe, expect, it } from "vitest";
import { notifyOwners } from "../../src/app/post-digest.js";
import { LISTED_IN_FULL } from "../../src/notify/compact-unlisted-accounts.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { unpackPayload } from "../../src/store/packed-payload.js";
import { NOW } from "../helpers/demo-source.js";
import { SLACK_ADMIN_CHANNEL, startWarden } from "../helpers/start-warden.js";

describe("the Slack admin channel's list of accounts nobody reachable owns", () => {
  it("lists the riskiest, counts the rest, remembers every one as shown, and stores whole only those it can list", async () => {
    // Nobody owns anything: every risky account goes to the admin channel.
    const instance = generateInstance({ now: NOW, seed: 1 });
    for (const user of instance.tables.get("sys_user")?.rows ?? []) user.manager = "";
    const t = await startWarden({ platform: "slack", users: [], instance });
    await notifyOwners(t.warden);

    const [post] = t.slack.messages(SLACK_ADMIN_CHANNEL);
    if (!post) throw new Error("nothing was posted to the admin channel");
    const row = t.db
      .prepare("SELECT id, payload FROM outbox WHERE kind = 'unowned' AND status = 'sent'")
      .get() as { id: number; payload: string };
    const stored = unpackPayload(JSON.parse(row.payload)) as {
      accounts: { accountId: string; findings: { evidence: unknown[] }[]; actions: unknown[] }[];
    };
    const total = stored.accounts.length;
    expect(total).toBeGreaterThan(LISTED_IN_FULL);
    expect(JSON.stringify(post.blocks)).toContain(`and ${total - 10} more accounts`);

    // Every account counts as shown (none is posted again tomorrow as new) ...
    const recorded = t.db
      .prepare("SELECT count(*) FROM message_accounts WHERE outbox_id = ?")
      .pluck()
      .get(row.id);
    expect(recorded).toBe(total);
    // ... but only the first ones keep what a listed account shows.
    const listed = stored.accounts.slice(0, LISTED_IN_FULL);
    const counted = stored.accounts.slice(LISTED_IN_FULL);
    expect(listed.every((a) => a.findings.some((f) => f.evidence.length > 0))).toBe(true);
    expect(
      counted.every((a) => a.actions.length === 0 && a.findings.every((f) => f.evidence.length === 0)),
    ).toBe(true);
  });
});
