import { describe, expect, it } from "vitest";
import { renderOwnerMessageBlocks } from "../../src/adapters/slack/render/index.js";
import { renderDigestBlocks } from "../../src/adapters/slack/render/render-digest-blocks.js";
import { renderLookupBlocks } from "../../src/adapters/slack/render/render-lookup-blocks.js";
import { sectionBlock } from "../../src/adapters/slack/render/slack-blocks.js";
import { slackRichText } from "../../src/adapters/slack/render/slack-rich-text.js";
import { cardRichText, teamsMention, withMentions } from "../../src/adapters/teams/render/card-rich-text.js";
import { textBlock } from "../../src/adapters/teams/render/card-text.js";
import { createCard, renderOwnerMessageCard } from "../../src/adapters/teams/render/index.js";
import { renderDigestCard } from "../../src/adapters/teams/render/render-digest-card.js";
import { renderLookupCard } from "../../src/adapters/teams/render/render-lookup-card.js";
import { describeDecision } from "../../src/messages/describe-decision.js";
import { dayOf, person, timeAt } from "../../src/messages/rich-text.js";
import {
  cardMarkupProblems,
  cardMentions,
  cardShownText,
  HOSTILE_NAME,
  slackMarkupProblems,
  slackShownText,
} from "../helpers/rendered-text.js";
import { account, decision, digest, lookupFound, NOW, ownerMessage } from "./slack/view-fixtures.js";

const AT = new Date("2026-11-23T10:02:00Z");
const UNIX = AT.getTime() / 1000;
const mrkdwn = (parts: Parameters<typeof slackRichText>[0]) => slackRichText(parts).mrkdwn;

describe("Slack: times as <!date> tokens, people as mentions only when warden knows their Slack id", () => {
  it("writes a time and a day as date tokens with a UTC fallback", () => {
    expect(mrkdwn(["at ", timeAt(AT)])).toBe(
      `at <!date^${UNIX}^{date_short_pretty} {time}|2026-11-23 10:02 UTC>`,
    );
    expect(mrkdwn(["until ", dayOf(AT)])).toBe(`until <!date^${UNIX}^{date_short_pretty}|2026-11-23>`);
  });

  it("mentions a known Slack user, and writes anyone else as their escaped email", () => {
    expect(mrkdwn([person({ display: "raj@acme.example", platform: "slack", id: "URAJ" })])).toBe("<@URAJ>");
    // A Teams actor in a Slack message, no id at all, or an id that is not a Slack user id.
    expect(mrkdwn([person({ display: "raj@acme.example", platform: "teams", id: "29:1abc" })])).toBe(
      "raj@acme.example",
    );
    expect(mrkdwn([person({ display: "a & <b>" })])).toBe("a &amp; &lt;b&gt;");
    expect(mrkdwn([person({ display: "x", platform: "slack", id: "<!channel>" })])).toBe("x");
    expect(mrkdwn([person({ display: "x", platform: "slack", id: "C123" })])).toBe("x");
    // Without mentions (a digest): the email even for a known user.
    expect(
      slackRichText([person({ display: "raj@acme.example", platform: "slack", id: "URAJ" })], {
        mention: false,
      }).mrkdwn,
    ).toBe("raj@acme.example");
  });

  it("keeps a hostile actor and reason inert around the tokens", () => {
    const d = decision({ action: "keep", actor: HOSTILE_NAME, reason: HOSTILE_NAME, actorRef: undefined });
    const message = renderOwnerMessageBlocks(
      ownerMessage(1, () => account(1, { decision: d })),
      {
        now: NOW,
        messageId: 1,
      },
    );
    expect(slackMarkupProblems(message)).toEqual([]);
    // As a reader in UTC sees it: the same words as the terminal's plain line.
    expect(slackShownText(message)).toContain(describeDecision(d));
    // The actor is cut to 120 characters, then the time: nothing of it was dropped to make it safe.
    expect(slackShownText(message)).toContain(`by ${HOSTILE_NAME.slice(0, 119)}… at 2026-11-23 10:02 UTC`);
  });

  it("never cuts a date token in half when the text is cut", () => {
    const token = slackRichText([timeAt(AT)]);
    const cut = sectionBlock(["x".repeat(50), token, " after"], 80) as { text: { text: string } };
    // The token does not fit whole: it is left out and the text ends with "…".
    expect(cut.text.text).toBe(`${"x".repeat(50)}…`);
    const fits = sectionBlock(["x".repeat(5), token, " after & more"], 200) as { text: { text: string } };
    expect(fits.text.text).toBe(`xxxxx${token.mrkdwn} after &amp; more`);
    expect(slackMarkupProblems({ blocks: [cut, fits] })).toEqual([]);
  });
});

describe("lookups: each decision dated in the reader's time zone", () => {
  it("Slack: a date token first, the rest of the line escaped, whole lines only", () => {
    const found = lookupFound(2, "a_b");
    if (!found.found) throw new Error("the fixture finds the account");
    const one = { ...found, decisions: found.decisions.map((d) => ({ ...d, reason: "a & <!here>" })) };
    const message = renderLookupBlocks(one);
    const unix = NOW.getTime() / 1000;
    expect(JSON.stringify(message.blocks)).toContain(
      JSON.stringify(
        `• <!date^${unix}^{date_short_pretty} {time}|${NOW.toISOString().slice(0, 16).replace("T", " ")} UTC> alice@acme.example: keep → applied (a &amp; &lt;!here&gt;)`,
      ).slice(1, -1),
    );
    expect(slackMarkupProblems(message)).toEqual([]);
    // Many decisions: as many whole lines as fit, then a count.
    const many = { ...found, decisions: Array.from({ length: 200 }, () => found.decisions[0]!) };
    const long = renderLookupBlocks(many);
    expect(slackShownText(long)).toMatch(/… and \d+ more/);
    expect(slackMarkupProblems(long)).toEqual([]);
  });
});

describe("the digest: times in the reader's time zone, owners named, never mentioned", () => {
  const since = Date.parse("2026-11-01T00:00:00Z") / 1000;
  it("Slack", () => {
    const message = renderDigestBlocks(digest(3));
    const json = JSON.stringify(message.blocks);
    expect(json).toContain(
      `owner1@acme.example: 2 accounts since <!date^${since}^{date_short_pretty} {time}|2026-11-01 00:00 UTC>`,
    );
    expect(json).not.toContain("<@");
    expect(slackMarkupProblems(message)).toEqual([]);
  });
  it("Teams", () => {
    const card = renderDigestCard(digest(3));
    expect(JSON.stringify(card)).toContain(
      "owner1@acme.example: 2 accounts since {{DATE(2026-11-01T00:00:00Z, SHORT)}} {{TIME(2026-11-01T00:00:00Z)}}",
    );
    expect(cardMentions(card)).toEqual([]);
    expect(cardMarkupProblems(card)).toEqual([]);
  });
});

describe("Teams: times as DATE/TIME functions, people as <at> mentions with an entity", () => {
  it("writes a time and a day as the card's date functions with an RFC 3339 time", () => {
    expect(cardRichText(["at ", timeAt(AT)]).markdown).toBe(
      "at {{DATE(2026-11-23T10:02:00Z, SHORT)}} {{TIME(2026-11-23T10:02:00Z)}}",
    );
    expect(cardRichText([dayOf(AT)]).markdown).toBe("{{DATE(2026-11-23T10:02:00Z, SHORT)}}");
  });

  it("mentions a known Teams user; a Slack actor or no id is the escaped name", () => {
    expect(
      cardRichText([person({ display: "raj@acme.example", platform: "teams", id: "29:1r" })]).markdown,
    ).toBe("<at>raj@acme.example</at>");
    expect(cardRichText([person({ display: "a_b", platform: "slack", id: "URAJ" })]).markdown).toBe("a\\_b");
    expect(cardRichText([person({ display: "<at>Raj</at>" })]).markdown).toBe("\\<at\\>Raj\\</at\\>");
  });

  it("drops markup from a hostile name inside <at>, where escapes cannot go", () => {
    const entity = teamsMention({
      display: "[Verify](https://evil) **x** <at>Raj</at>",
      platform: "teams",
      id: "29:1",
    });
    expect(entity?.text).toBe("<at>Verifyhttps://evil x atRaj/at</at>");
    expect(entity?.mentioned).toEqual({ id: "29:1", name: "Verifyhttps://evil x atRaj/at" });
    expect(teamsMention({ display: "<>**", platform: "teams", id: "29:1" })).toBeUndefined();
  });

  it("adds an entity only for a mention the card shows", () => {
    const raj = { display: "raj@acme.example", platform: "teams", id: "29:1r" };
    const vera = { display: "vera@acme.example", platform: "teams", id: "29:1v" };
    const card = withMentions(createCard([textBlock(cardRichText(["by ", person(raj)]))]), [raj, vera, raj]);
    expect(cardMentions(card)).toEqual([
      { text: "<at>raj@acme.example</at>", id: "29:1r", name: "raj@acme.example" },
    ]);
    expect(cardMarkupProblems(card, { mentions: ["29:1r"] })).toEqual([]);
    // A mention the test did not expect is reported.
    expect(cardMarkupProblems(card)).not.toEqual([]);
  });

  it("keeps a hostile actor inert and shows the decision as the terminal line", () => {
    const d = decision({ action: "keep", actor: HOSTILE_NAME, reason: HOSTILE_NAME });
    const card = renderOwnerMessageCard(
      ownerMessage(1, () => account(1, { decision: d })),
      {
        now: NOW,
        messageId: 1,
      },
    );
    expect(cardMarkupProblems(card)).toEqual([]);
    expect(cardMentions(card)).toEqual([]);
    expect(cardShownText(card)).toContain(describeDecision(d));
  });
  it("dates each decision of a lookup with DATE/TIME, the rest of the line escaped", () => {
    const card = renderLookupCard(lookupFound(2, "a_b"));
    const iso = `${NOW.toISOString().slice(0, 19)}Z`;
    const decisions = JSON.stringify(card);
    expect(decisions).toContain(
      JSON.stringify(`• {{DATE(${iso}, SHORT)}} {{TIME(${iso})}} alice@acme.example: keep → applied`).slice(
        1,
        -1,
      ),
    );
    expect(cardMarkupProblems(card)).toEqual([]);
  });
});
