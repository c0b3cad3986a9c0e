import type { DigestView } from "../../../messages/build-digest.js";
import { describeReviewProgressParts } from "../../../messages/describe-review-message.js";
import { describeUndelivered } from "../../../messages/describe-undelivered.js";
import { type RichText, timeAt } from "../../../messages/rich-text.js";
import { plural, RULE_TITLES } from "../../../messages/rule-text.js";
import { scoreSparkline } from "../../../messages/score-sparkline.js";
import { sourceScoreLine } from "../../../messages/source-label.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText } from "./card-rich-text.js";
import { cut, fact, listBlocks, md, textBlock } from "./card-text.js";

const LIST = { maxLines: 10, maxChars: 1600 } as const;

/**
 * The weekly digest as an Adaptive Card: a failed, running or stale last scan first, then score
 * and trend, counts per rule, new and fixed findings, riskiest accounts, unanswered owners and
 * blind spots, each list cut with "… and N more" so the card stays small for any size.
 */
export function renderDigestCard(view: DigestView): AdaptiveCard {
  const card = createCard([]);
  const body = card.body;
  // `||`, not `??`: an empty problem string means there is none.
  const warning =
    view.lastScan?.problem || (view.lastScan ? undefined : "No scan has run yet. Run `warden scan`.");
  // First, so a stale score is never read as today's.
  if (warning) body.push(textBlock(`⚠️ ${cut(warning, 600)}`, { color: "attention", weight: "bolder" }));
  body.push(textBlock("warden: machine identity digest", { size: "large", weight: "bolder" }));
  // Times as DATE/TIME functions: a channel's readers each see their own time zone.
  const lastScan: RichText = view.lastScan
    ? ["Last scan: ", timeAt(view.lastScan.at), ` (${view.lastScan.status})`]
    : ["Last scan: never"];
  if (!view.score) {
    body.push(textBlock(cardRichText(lastScan), { isSubtle: true }));
    return card;
  }
  const { score } = view;
  const trend =
    score.reason ?? (score.previous === undefined ? "first scan" : `${score.previous} → ${score.value}`);
  const sparkline = scoreSparkline(score.history ?? []);
  // "Last 12 scores: ▅▅▆▇█ (74 → 81)": the numbers beside the bars, which show only the shape.
  const history = sparkline
    ? `Last ${plural(score.history?.length ?? 0, "score")}: ${sparkline} (${score.history?.[0]} → ${score.history?.at(-1)})`
    : "";
  body.push(
    textBlock(`Machine Identity Security Score: ${score.value}/100`, {
      size: "extraLarge",
      weight: "bolder",
    }),
    textBlock(cut(trend, 800), { spacing: "small" }),
    ...(history ? [textBlock(history, { spacing: "small" })] : []),
    textBlock(
      `${plural(score.population, "machine identity", "machine identities")}, ${score.risky.toLocaleString("en-US")} with findings`,
      { spacing: "small" },
    ),
    ...(view.bySource ?? []).map((s) => textBlock(`- ${sourceScoreLine(s)}`, { spacing: "none" })),
    textBlock(cardRichText([...lastScan, ". Generated ", timeAt(view.generatedAt)]), {
      isSubtle: true,
      size: "small",
    }),
  );
  if (view.byRule.length > 0) {
    body.push(textBlock("Findings per rule", { weight: "bolder", separator: true, spacing: "medium" }), {
      type: "FactSet",
      facts: view.byRule
        .slice(0, 10)
        .map((r) => fact(RULE_TITLES[r.rule], `${plural(r.accounts, "account")}, −${r.points} points`)),
    });
  }
  body.push(
    ...listBlocks(
      "New since the previous scan",
      view.newFindings.map((f) => `${cut(f.userName, 80)}: ${cut(f.summary, 160)}`),
      LIST,
    ),
    ...listBlocks(
      "Fixed since the previous scan",
      view.fixedFindings.map((f) => `${cut(f.userName, 80)}: ${RULE_TITLES[f.rule]}`),
      LIST,
    ),
    ...listBlocks(
      "Riskiest accounts",
      view.riskiest.top.map(
        (a) =>
          md`**${cut(a.userName, 80)}** (${cut(a.name, 60)}), owner: ${cut(a.ownerName ?? "none", 60)}: ${a.rules.map((r) => RULE_TITLES[r]).join(", ")}`,
      ),
      { ...LIST, more: "(send `lookup <account>` to warden)", total: view.riskiest.total },
    ),
    ...listBlocks(
      "Owners who have not answered",
      // Since when, as DATE/TIME functions; names only, no mention: a channel post must not notify
      // every owner it lists. Room for the whole line, so no cut goes through a function.
      view.unansweredOwners.map((o) =>
        cardRichText([`${cut(o.owner, 100)}: ${plural(o.accounts, "account")} since `, timeAt(o.since)]),
      ),
      { ...LIST, maxLineChars: 400 },
    ),
    ...listBlocks(
      "Undelivered messages",
      (view.undelivered ?? []).map((u) => cut(describeUndelivered(u), 400)),
      LIST,
    ),
    ...listBlocks(
      "Access reviews",
      (view.reviews ?? []).map((r) => cardRichText(describeReviewProgressParts(r))),
      { ...LIST, maxLineChars: 400 },
    ),
    ...listBlocks(
      "Blind spots (signals this instance does not expose: not the same as no risk)",
      view.blindSpots.map((b) => `${b.signal} (${cut(b.table, 60)}): ${cut(b.reason, 160)}`),
      LIST,
    ),
  );
  return card;
}
