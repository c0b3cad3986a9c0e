import type { types } from "@slack/bolt";
import type { DigestView } from "../../../messages/build-digest.js";
import { describeReviewProgressParts } from "../../../messages/describe-review-message.js";
import { describeUndelivered } from "../../../messages/describe-undelivered.js";
import { timeAt } from "../../../messages/rich-text.js";
import { plural, RULE_TITLES } from "../../../messages/rule-text.js";
import { scoreSparkline } from "../../../messages/score-sparkline.js";
import { sourceScoreLine } from "../../../messages/source-label.js";
import { truncateText } from "../../../messages/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { contextBlock, headerBlock, listMrkdwn, listText, mrkdwnText, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/** Lines per list: a digest is read in a minute, the rest is one `/warden lookup` away. */
const LIST_LINES = 10;
/** Characters per list section: six lists must stay under the ~12,000 characters a message may carry. */
const LIST_CHARS = 1600;

/**
 * The weekly digest as Block Kit: a failed, running or stale last scan first, then score and
 * trend, counts per rule, new and fixed findings, riskiest accounts, unanswered owners and blind
 * spots, each list cut to fit with "… and N more". Stays within Block Kit limits for any size.
 */
export function renderDigestBlocks(view: DigestView): SlackMessage {
  const blocks: types.KnownBlock[] = [];
  const ec = truncateText;
  // `||`, not `??`: an empty problem string means there is none.
  const warning =
    view.lastScan?.problem || (view.lastScan ? undefined : "No scan has run yet. Run `warden scan`.");
  // The warning comes before everything else: a stale score must not be read as today's.
  if (warning) blocks.push(sectionBlock(`:warning: *${ec(warning, 600)}*`));
  blocks.push(headerBlock("warden: machine identity digest"));

  // Times as date tokens: a channel's readers each see their own time zone.
  const lastScan = slackRichText(
    view.lastScan
      ? ["Last scan: ", timeAt(view.lastScan.at), ` (${view.lastScan.status})`]
      : ["Last scan: never"],
  );
  if (!view.score) {
    blocks.push(contextBlock([[lastScan]]));
    return slackMessage(warning || "warden digest: no score yet", blocks);
  }

  const { score } = view;
  const trend =
    score.reason ?? (score.previous === undefined ? "first scan" : `${score.previous} → ${score.value}`);
  const sparkline = scoreSparkline(score.history ?? []);
  // "Last 12 scores: ▅▅▆▇█ (74 → 81)": the numbers beside the bars, which show only the shape.
  const history = sparkline
    ? `Last ${plural(score.history?.length ?? 0, "score")}: ${sparkline} (${score.history?.[0]} → ${score.history?.at(-1)})`
    : "";
  blocks.push(
    sectionBlock(
      `*Machine Identity Security Score: ${score.value}/100*\n${ec(trend, 800)}\n` +
        (history ? `${history}\n` : "") +
        `${plural(score.population, "machine identity", "machine identities")}, ${score.risky.toLocaleString("en-US")} with findings` +
        (view.bySource ?? []).map((s) => `\n• ${sourceScoreLine(s)}`).join(""),
    ),
  );
  blocks.push(contextBlock([[lastScan], [slackRichText(["Generated ", timeAt(view.generatedAt)])]]));

  if (view.byRule.length > 0) {
    blocks.push({
      type: "section",
      text: mrkdwnText("*Findings per rule*", L.sectionText),
      fields: view.byRule
        .slice(0, L.sectionFields)
        .map((r) =>
          mrkdwnText(`*${RULE_TITLES[r.rule]}*\n${plural(r.accounts, "account")}, −${r.points} points`, 600),
        ),
    });
  }

  const list = (title: string, lines: string[], more?: string, total?: number) => {
    if (lines.length === 0) return;
    blocks.push(
      sectionBlock(
        listText(`*${title}*`, lines, {
          maxLines: LIST_LINES,
          maxChars: LIST_CHARS,
          ...(more ? { more } : {}),
          ...(total === undefined ? {} : { total }),
        }),
      ),
    );
  };
  list(
    "New since the previous scan",
    view.newFindings.map((f) => `${ec(f.userName, 80)}: ${ec(f.summary, 160)}`),
  );
  list(
    "Fixed since the previous scan",
    view.fixedFindings.map((f) => `${ec(f.userName, 80)}: ${RULE_TITLES[f.rule]}`),
  );
  list(
    "Riskiest accounts",
    view.riskiest.top.map(
      (a) =>
        `*${ec(a.userName, 80)}* (${ec(a.name, 60)}), owner: ${ec(a.ownerName ?? "none", 60)}: ${a.rules.map((r) => RULE_TITLES[r]).join(", ")}`,
    ),
    "(use `/warden lookup <account>`)",
    view.riskiest.total,
  );
  if (view.unansweredOwners.length > 0) {
    // Since when, as date tokens; names only, no mention: a channel post must not notify every
    // owner it lists.
    blocks.push(
      sectionBlock(
        listMrkdwn(
          "*Owners who have not answered*",
          view.unansweredOwners.map((o) =>
            slackRichText([`${ec(o.owner, 100)}: ${plural(o.accounts, "account")} since `, timeAt(o.since)]),
          ),
          { maxLines: LIST_LINES, maxChars: LIST_CHARS },
        ),
      ),
    );
  }
  list(
    "Undelivered messages",
    (view.undelivered ?? []).map((u) => ec(describeUndelivered(u), 400)),
  );
  if (view.reviews && view.reviews.length > 0) {
    // Each open campaign's progress, its due date a date token.
    blocks.push(
      sectionBlock(
        listMrkdwn(
          "*Access reviews*",
          view.reviews.map((r) => slackRichText(describeReviewProgressParts(r))),
          { maxLines: LIST_LINES, maxChars: LIST_CHARS },
        ),
      ),
    );
  }
  list(
    "Blind spots (signals this instance does not expose: not the same as no risk)",
    view.blindSpots.map((b) => `${b.signal} (${ec(b.table, 60)}): ${ec(b.reason, 160)}`),
  );

  const text = `${warning ? `${warning} ` : ""}warden digest: score ${score.value}/100 (${trend})`;
  return slackMessage(text, blocks);
}
