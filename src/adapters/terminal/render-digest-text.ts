import type { DigestView } from "../../messages/build-digest.js";
import { describeReviewProgressParts } from "../../messages/describe-review-message.js";
import { describeUndelivered } from "../../messages/describe-undelivered.js";
import { formatTime } from "../../messages/format-text.js";
import { plainRichText } from "../../messages/rich-text.js";
import { plural, RULE_TITLES } from "../../messages/rule-text.js";
import { scoreSparkline } from "../../messages/score-sparkline.js";
import { sourceScoreLine } from "../../messages/source-label.js";

/** Plain-text digest for the terminal (`warden digest --print`, `npm start`). */
export function renderDigestText(view: DigestView, options: { limit?: number } = {}): string {
  const limit = options.limit ?? 10;
  const out: string[] = ["warden: machine identity digest", "=".repeat(31)];
  if (view.lastScan?.problem) out.push(`!! ${view.lastScan.problem}`);
  else if (!view.lastScan) out.push("!! No scan has run yet. Run `warden scan`.");
  if (!view.score) return out.join("\n");

  const { score } = view;
  const trend =
    score.reason ?? (score.previous === undefined ? "first scan" : `${score.previous} → ${score.value}`);
  out.push(`Machine Identity Security Score: ${score.value}/100 (${trend})`);
  const sparkline = scoreSparkline(score.history ?? []);
  if (sparkline) {
    out.push(
      `Last ${plural(score.history?.length ?? 0, "score")}: ${sparkline} (${score.history?.[0]} → ${score.history?.at(-1)})`,
    );
  }
  out.push(
    `${plural(score.population, "machine identity", "machine identities")}, ${score.risky} with findings`,
  );
  for (const s of view.bySource ?? []) {
    out.push(`  ${sourceScoreLine(s)}`);
  }
  if (view.lastScan) out.push(`Last scan: ${formatTime(view.lastScan.at)} (${view.lastScan.status})`);

  if (view.byRule.length > 0) {
    out.push("", "Findings per rule:");
    for (const r of view.byRule) {
      out.push(
        `  ${RULE_TITLES[r.rule].padEnd(28)} ${plural(r.accounts, "account").padStart(14)}   -${r.points} points`,
      );
    }
  }
  // `total`: the lines are the first few of a longer list (a digest carries its top accounts only).
  const list = (title: string, lines: string[], total = lines.length) => {
    if (lines.length === 0) return;
    out.push("", `${title}:`);
    const shown = lines.slice(0, limit);
    out.push(...shown.map((l) => `  - ${l}`));
    if (total > shown.length) out.push(`  … and ${total - shown.length} more`);
  };
  list(
    "New since the previous scan",
    view.newFindings.map((f) => `${f.userName}: ${f.summary}`),
  );
  list(
    "Fixed since the previous scan",
    view.fixedFindings.map((f) => `${f.userName}: ${RULE_TITLES[f.rule]}`),
  );
  list(
    "Riskiest accounts",
    view.riskiest.top.map(
      (a) =>
        `${a.userName} (${a.name}) owner: ${a.ownerName ?? "none"}: ${a.rules.map((r) => RULE_TITLES[r]).join(", ")}`,
    ),
    view.riskiest.total,
  );
  list(
    "Owners who have not answered",
    view.unansweredOwners.map(
      (o) => `${o.owner}: ${plural(o.accounts, "account")} since ${formatTime(o.since)}`,
    ),
  );
  list("Undelivered messages", (view.undelivered ?? []).map(describeUndelivered));
  list(
    "Access reviews",
    (view.reviews ?? []).map((r) => plainRichText(describeReviewProgressParts(r))),
  );
  list(
    "Blind spots (signals this instance does not expose: not the same as no risk)",
    view.blindSpots.map((b) => `${b.signal} (${b.table}): ${b.reason}`),
  );
  return out.join("\n");
}
