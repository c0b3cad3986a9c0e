import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeMrkdwn } from "../../../src/adapters/slack/render/escape-mrkdwn.js";
import { renderDigestBlocks } from "../../../src/adapters/slack/render/render-digest-blocks.js";
import { renderHelpBlocks } from "../../../src/adapters/slack/render/render-help-blocks.js";
import { renderLookupBlocks } from "../../../src/adapters/slack/render/render-lookup-blocks.js";
import { renderOwnerMessageBlocks } from "../../../src/adapters/slack/render/render-owner-message-blocks.js";
import { renderUnownedBlocks } from "../../../src/adapters/slack/render/render-unowned-blocks.js";
import { noticeMessage, type SlackMessage } from "../../../src/adapters/slack/render/slack-message.js";
import { renderFollowUpBlocks } from "../../../src/adapters/slack/render-follow-up-blocks.js";
import type { LookupView } from "../../../src/messages/build-lookup.js";
import type { FollowUpView } from "../../../src/notify/enqueue-follow-ups.js";
import { HOSTILE, slackMarkupProblems, slackShownText } from "../../helpers/rendered-text.js";
import { anyDigest, anyFollowUp, anyLookup, anyOwnerMessage, anyText, NOW } from "./view-arbitraries.js";
import { account, decision, digest, lookupFound, ownerMessage } from "./view-fixtures.js";

/** Every kind of Slack message warden sends, rendered from the given data. */
function everyMessage(data: {
  message: ReturnType<typeof ownerMessage>;
  digest: ReturnType<typeof digest>;
  lookup: LookupView;
  followUp: FollowUpView;
  notice: string;
}): [string, SlackMessage][] {
  return [
    ["owner message", renderOwnerMessageBlocks(data.message, { now: NOW, messageId: 1, maxAccounts: 20 })],
    ["admin list", renderUnownedBlocks(data.message.accounts, { now: NOW, messageId: 2, maxAccounts: 20 })],
    ["digest", renderDigestBlocks(data.digest)],
    ["lookup", renderLookupBlocks(data.lookup)],
    ["help", renderHelpBlocks()],
    ["reminder", renderFollowUpBlocks("reminder", data.followUp)],
    ["escalation", renderFollowUpBlocks("escalation", data.followUp)],
    ["notice", noticeMessage(data.notice, renderLookupBlocks(data.lookup).blocks)],
  ];
}

describe("Slack: text from sources and users is data, never markup", () => {
  it("shows each hostile name, reason and error as typed, in every message kind, pinging nobody", () => {
    // One hostile token per field, so each must appear whole in what Slack shows. One finding
    // each, so all twelve accounts fit in one message beside their decision lines' date tokens.
    const accounts = HOSTILE.map((token, i) =>
      account(i, {
        userName: token,
        name: `${token} display`,
        findings: account(i)
          .findings.slice(0, 1)
          .map((f) => ({
            ...f,
            summary: `summary ${token}`,
            evidence: [{ signal: "state" as const, detail: `evidence ${token}` }],
          })),
        decision:
          i % 2 === 0
            ? decision({ action: "keep", actor: `${token}@acme.example`, reason: `reason ${token}` })
            : decision({ outcome: "failed", error: `error ${token}`, undoUntil: undefined }),
      }),
    );
    const message = { ...ownerMessage(0), accounts, owner: { ...ownerMessage(0).owner, name: HOSTILE[0] } };
    const lookup = lookupFound(2, HOSTILE[6]);
    const found = lookup.found
      ? {
          ...lookup,
          identity: {
            ...lookup.identity,
            userName: HOSTILE[3],
            owner: { ...lookup.identity.owner!, name: HOSTILE[7], email: HOSTILE[9] },
          },
        }
      : lookup;
    const rendered = everyMessage({
      message,
      digest: digest(3, `scan failed: ${HOSTILE[1]}`, (i) => HOSTILE[i % HOSTILE.length]!),
      lookup: found,
      followUp: { ownerEmail: HOSTILE[4], replyTo: undefined, originalId: 1, sentAt: NOW, accounts },
      notice: `Only ${HOSTILE[5]}'s owner (${HOSTILE[2]}) or a warden admin can act on it.`,
    });
    for (const [kind, m] of rendered) expect(slackMarkupProblems(m), kind).toEqual([]);

    const shown = new Map(rendered.map(([kind, m]) => [kind, slackShownText(m)]));
    for (const token of HOSTILE) {
      expect(shown.get("owner message"), token).toContain(token);
      expect(shown.get("admin list"), token).toContain(token);
      expect(shown.get("reminder"), token).toContain(token);
    }
    expect(shown.get("owner message")).toContain(`Hi ${HOSTILE[0]}`);
    expect(shown.get("digest")).toContain(`scan failed: ${HOSTILE[1]}`);
    expect(shown.get("lookup")).toContain(`${HOSTILE[7]} <${HOSTILE[9]}>`);
    expect(shown.get("lookup")).toContain(HOSTILE[6]);
    expect(shown.get("escalation")).toContain(`Escalation: ${HOSTILE[4]} has not answered`);
    expect(shown.get("notice")).toContain(`Only ${HOSTILE[5]}'s owner (${HOSTILE[2]})`);
    // The notification text is escaped too: a DM preview cannot ping the owner's channel.
    const notice = rendered.find(([kind]) => kind === "notice")![1];
    expect(notice.text).toBe(
      "Only &lt;!subteam^S123&gt;'s owner (&lt;!here&gt;) or a warden admin can act on it.",
    );
  });

  it("keeps every message kind inert for random hostile views", () => {
    fc.assert(
      fc.property(
        anyOwnerMessage,
        anyDigest,
        anyLookup,
        anyFollowUp,
        anyText,
        (message, d, lookup, followUp, notice) => {
          for (const [kind, m] of everyMessage({ message, digest: d, lookup, followUp, notice })) {
            expect(slackMarkupProblems(m), kind).toEqual([]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("cuts before escaping: a cut never splits an entity or an emoji", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 300 }), (text, max) => {
        const out = escapeMrkdwn(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        // Every & starts a whole entity and no lone surrogate is left.
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        if (escapeMrkdwn(text).length <= max) expect(out).toBe(escapeMrkdwn(text));
        else if (max > 0) expect(out.endsWith("…")).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(escapeMrkdwn("a&b", 6)).toBe("a…");
    expect(escapeMrkdwn("a&bc", 7)).toBe("a&amp;…");
  });
});
