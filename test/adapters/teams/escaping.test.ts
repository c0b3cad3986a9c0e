import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdaptiveCard } from "../../../src/adapters/teams/render/adaptive-card.js";
import { escapeCardMarkdown, md, textBlock } from "../../../src/adapters/teams/render/card-text.js";
import { checkAdaptiveCard } from "../../../src/adapters/teams/render/check-adaptive-card.js";
import { renderDigestCard } from "../../../src/adapters/teams/render/render-digest-card.js";
import { renderFollowUpCard } from "../../../src/adapters/teams/render/render-follow-up-card.js";
import { renderHelpCard } from "../../../src/adapters/teams/render/render-help-card.js";
import { renderLookupCard } from "../../../src/adapters/teams/render/render-lookup-card.js";
import { renderNoticeCard } from "../../../src/adapters/teams/render/render-notice-card.js";
import { renderOwnerMessageCard } from "../../../src/adapters/teams/render/render-owner-message-card.js";
import { renderUnownedCard } from "../../../src/adapters/teams/render/render-unowned-card.js";
import type { LookupView } from "../../../src/messages/build-lookup.js";
import type { FollowUpView } from "../../../src/notify/enqueue-follow-ups.js";
import { cardMarkupProblems, cardShownText, HOSTILE, teamsShown } from "../../helpers/rendered-text.js";
import {
  anyDigest,
  anyFollowUp,
  anyLookup,
  anyOwnerMessage,
  anyText,
  NOW,
} from "../slack/view-arbitraries.js";
import { account, decision, digest, lookupFound, ownerMessage } from "../slack/view-fixtures.js";
import { parseWithAdaptiveCards } from "./parse-with-adaptivecards.js";

/** Every kind of card warden sends to Teams, rendered from the given data. */
function everyCard(data: {
  message: ReturnType<typeof ownerMessage>;
  digest: ReturnType<typeof digest>;
  lookup: LookupView;
  followUp: FollowUpView;
  notice: string;
}): [string, AdaptiveCard][] {
  return [
    ["owner message", renderOwnerMessageCard(data.message, { now: NOW, messageId: 1, maxAccounts: 20 })],
    ["admin list", renderUnownedCard(data.message.accounts, { now: NOW, messageId: 2, maxAccounts: 20 })],
    ["digest", renderDigestCard(data.digest)],
    ["lookup", renderLookupCard(data.lookup)],
    ["help", renderHelpCard()],
    ["reminder", renderFollowUpCard("reminder", data.followUp)],
    ["escalation", renderFollowUpCard("escalation", data.followUp)],
    ["notice", renderNoticeCard(data.notice, renderLookupCard(data.lookup))],
  ];
}

/** Markdown-looking data a Teams name could carry besides the Slack tokens. */
const MARKDOWN = ["- item", "1. item", "# Heading", "_x_", "`code`", "~strike~", "|a|b|", "\\*"];

describe("Teams: text from sources and users is data, never markup", () => {
  it("shows each hostile name, reason and error as typed, in every card kind", () => {
    const all = [...HOSTILE, ...MARKDOWN];
    // A card holds about ten accounts in full: a few tokens per round, so each must appear whole.
    for (let start = 0; start < all.length; start += 5) {
      const tokens = all.slice(start, start + 5);
      const [first, second, third] = [tokens[0]!, tokens[1] ?? tokens[0]!, tokens[2] ?? tokens[0]!];
      const accounts = tokens.map((token, i) =>
        account(i, {
          userName: token,
          name: `${token} display`,
          findings: account(i).findings.map((f) => ({
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
      const message = { ...ownerMessage(0), accounts, owner: { ...ownerMessage(0).owner, name: first } };
      const lookup = lookupFound(2, second);
      const found = lookup.found
        ? {
            ...lookup,
            identity: {
              ...lookup.identity,
              userName: third,
              owner: { ...lookup.identity.owner!, name: first, email: second },
            },
          }
        : lookup;
      const cards = everyCard({
        message,
        digest: digest(tokens.length, `scan failed: ${first}`, (i) => tokens[i]!),
        lookup: found,
        followUp: { ownerEmail: second, replyTo: undefined, originalId: 1, sentAt: NOW, accounts },
        notice: `Only ${first}'s owner (${second}) or a warden admin can act on it.`,
      });
      for (const [kind, card] of cards) {
        expect(cardMarkupProblems(card), kind).toEqual([]);
        expect(checkAdaptiveCard(card, { parse: parseWithAdaptiveCards }), kind).toEqual([]);
      }
      const shown = new Map(cards.map(([kind, card]) => [kind, cardShownText(card)]));
      for (const token of tokens) {
        for (const kind of ["owner message", "admin list", "reminder", "digest"]) {
          expect(shown.get(kind), `${kind}: ${token}`).toContain(token);
        }
      }
      expect(shown.get("owner message")).toContain(`Hi ${first}`);
      expect(shown.get("digest")).toContain(`scan failed: ${first}`);
      expect(shown.get("lookup")).toContain(`${first} <${second}>`);
      expect(shown.get("lookup")).toContain(third);
      expect(shown.get("escalation")).toContain(`Escalation: ${second} has not answered`);
      expect(shown.get("notice")).toContain(`Only ${first}'s owner (${second})`);
    }
    // The help card's own "<account>" is text too.
    expect(cardShownText(renderHelpCard())).toContain("lookup <account>");
  });

  it("keeps every card kind inert and valid for random hostile views", () => {
    fc.assert(
      fc.property(
        anyOwnerMessage,
        anyDigest,
        anyLookup,
        anyFollowUp,
        anyText,
        (message, d, lookup, followUp, notice) => {
          for (const [kind, card] of everyCard({ message, digest: d, lookup, followUp, notice })) {
            expect(cardMarkupProblems(card), kind).toEqual([]);
            expect(checkAdaptiveCard(card), kind).toEqual([]);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("escapes data but keeps warden's formatting, and cuts clear of escapes", () => {
    expect(escapeCardMarkdown("[Verify](https://evil)")).toBe("\\[Verify\\]\\(https://evil\\)");
    expect(escapeCardMarkdown("- a\n2. b")).toBe("\\- a\n2\\. b");
    const name = "**x**";
    expect(md`**${name}** (${3})`.markdown).toBe("**\\*\\*x\\*\\*** (3)");
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 200 }), (text, max) => {
        const block = textBlock(md`**${text}**`, { max });
        expect(block.text.length).toBeLessThanOrEqual(max);
        // No lone backslash before the "…" (it would escape it and show a backslash).
        expect(block.text).not.toMatch(/(^|[^\\])(\\\\)*\\…$/);
        expect(teamsShown(textBlock(text).text)).toBe(text || " ");
      }),
      { numRuns: 300 },
    );
  });
});
