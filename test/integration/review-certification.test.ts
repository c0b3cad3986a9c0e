import { describe, expect, it } from "vitest";
import { decodeActionPayload } from "../../src/actions/action-payload.js";
import { renderLookupBlocks } from "../../src/adapters/slack/render/render-lookup-blocks.js";
import { renderDigestText } from "../../src/adapters/terminal/render-digest-text.js";
import { renderLookupText } from "../../src/adapters/terminal/render-lookup-text.js";
import { postDigest } from "../../src/app/post-digest.js";
import { sendReviewMessages } from "../../src/app/send-review-messages.js";
import { silentLogger } from "../../src/logger.js";
import { buildDigest } from "../../src/messages/build-digest.js";
import { buildLookup } from "../../src/messages/build-lookup.js";
import { createActionHandler } from "../../src/remediation/handle-action.js";
import { startReview } from "../../src/reviews/start-review.js";
import { startWarden } from "../helpers/start-warden.js";

const OWNER = { id: "URAJ", name: "Raj Patel", email: "raj.patel@acme.example" };

describe("access reviews: a certification is carried into lookups, the digest and the next campaign", () => {
  it("shows who certified an account, when and why, and the open campaign's progress", async () => {
    const t = await startWarden({ platform: "slack", users: [OWNER], admins: [], serve: false });
    const started = await startReview(t.warden.store, {
      now: t.now(),
      startedBy: "cli",
      defaultDecision: "none",
    });
    await sendReviewMessages(t.warden);
    const [review] = t.slack.messages(`D${OWNER.id}`);
    if (!review) throw new Error("Raj got no review message");
    expect(String(review.text)).toMatch(/^warden: access review #1: please confirm \d+ machine identit/);
    const buttons = (review.blocks as { elements?: { action_id: string; value?: string }[] }[]).flatMap(
      (b) => b.elements ?? [],
    );
    const certify = buttons.find((b) => b.action_id === "warden_certify");
    const payload = decodeActionPayload(certify?.value);
    if (!payload) throw new Error("no Still needed… button");
    expect(payload.c).toBe(started.campaign.id);
    const handle = createActionHandler({
      store: t.warden.store,
      connectors: t.warden.connectors,
      now: t.now,
      admins: [],
      mode: "apply",
      logger: silentLogger,
    });
    const origin = { conversation: `D${OWNER.id}`, message: review.ts };
    const actor = { platform: "slack", id: OWNER.id, email: OWNER.email };
    // No reason: refused, nothing recorded.
    const bare = await handle({ actor, payload, origin, reason: "  " });
    expect(bare).toMatchObject({ status: "invalid" });
    expect(bare.notice).toContain("needs a reason");
    const done = await handle({ actor, payload, origin, reason: "nightly CMDB import" });
    expect(done.status).toBe("done");
    const again = await handle({ actor, payload, origin, reason: "nightly CMDB import" });
    expect(again.status).toBe("duplicate");
    expect(t.db.prepare("SELECT count(*) FROM decisions WHERE action = 'certify'").pluck().get()).toBe(1);

    const item = t.db
      .prepare("SELECT status, reviewer, reason FROM review_items WHERE account_id = ?")
      .get(payload.id);
    expect(item).toEqual({ status: "certified", reviewer: OWNER.email, reason: "nightly CMDB import" });

    // The lookup names the certification, on the terminal and in Slack (the day as a date token).
    const lookup = await buildLookup(t.warden.store, payload.id);
    expect(renderLookupText(lookup)).toMatch(
      /certified: Last certified by raj\.patel@acme\.example on \d{4}-\d\d-\d\d: nightly CMDB import/,
    );
    expect(JSON.stringify(renderLookupBlocks(lookup).blocks)).toMatch(
      /Last certified by raj\.patel@acme\.example on <!date\^\d+\^\{date_short_pretty\}\|[^>]+>: nightly CMDB import/,
    );

    // The digest shows the open campaign's progress.
    const digest = await buildDigest(t.warden.store, { now: t.now() });
    expect(digest.reviews).toEqual([
      expect.objectContaining({ id: started.campaign.id, certified: 1, total: started.accounts }),
    ]);
    expect(renderDigestText(digest)).toContain(
      `Access review #1 (every source, due ${started.campaign.dueAt.toISOString().slice(0, 10)}): 1 of ${started.accounts} answered: 1 certified, 0 disabled, 0 reassigned; ${started.accounts - 1} pending`,
    );
    await postDigest(t.warden);
    const [posted] = t.slack.messages("CDIGEST");
    expect(JSON.stringify(posted?.blocks)).toContain("*Access reviews*");

    // The next campaign shows the account's last certification beside its buttons.
    await t.warden.store.reviews.closeReviewCampaign(started.campaign.id, t.now());
    t.advance(90 * 86_400_000);
    await startReview(t.warden.store, { now: t.now(), startedBy: "cli", defaultDecision: "none" });
    await sendReviewMessages(t.warden);
    const next = t.slack.messages(`D${OWNER.id}`).at(-1);
    expect(next?.ts).not.toBe(review.ts);
    expect(JSON.stringify(next?.blocks)).toContain("Last certified by raj.patel@acme.example on <!date^");
    expect(JSON.stringify(next?.blocks)).toContain("nightly CMDB import");
  });
});
