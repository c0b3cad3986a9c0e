import type { LookupView } from "../../../messages/build-lookup.js";
import { describeIdentityFacts } from "../../../messages/describe-identity-facts.js";
import { describeCertifiedParts } from "../../../messages/describe-review-message.js";
import { describeAccountState, formatDay } from "../../../messages/format-text.js";
import { formatTimeIn } from "../../../messages/format-time-in-zone.js";
import { timeAt } from "../../../messages/rich-text.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../../messages/rule-text.js";
import { type AdaptiveCard, createCard } from "./adaptive-card.js";
import { cardRichText } from "./card-rich-text.js";
import { cut, fact, listBlocks, md, textBlock } from "./card-text.js";

/**
 * One account for the `lookup` command: state, owner, roles, activity, how it authenticates, its
 * API calls, findings with evidence, resolved findings and decisions. Times in text blocks are
 * DATE/TIME functions (each reader's own zone); "Seen by warden" is a FactSet value, where those
 * are not documented to render, so it is written in `timeZone`, the reader's (the card is an
 * answer to one person), or in UTC, saying so, when none is known.
 */
export function renderLookupCard(
  view: LookupView,
  options: { timeZone?: string | undefined } = {},
): AdaptiveCard {
  if (!view.found) {
    const suggestions = view.suggestions.slice(0, 10).map((s) => cut(s, 80));
    const more = view.suggestions.length > 10 ? ` and ${view.suggestions.length - 10} more` : "";
    const hint = suggestions.length > 0 ? ` Did you mean: ${suggestions.join(", ")}${more}?` : "";
    return createCard([textBlock(`No machine identity "${cut(view.query, 200)}" in the last scans.${hint}`)]);
  }
  const { identity: i } = view;
  const state = describeAccountState(i);
  const owner = i.owner
    ? `${cut(i.owner.name, 100)} <${cut(i.owner.email ?? "no email", 120)}>${i.owner.active ? "" : " (inactive)"}`
    : "none";
  const facts = describeIdentityFacts(i);
  const ids = facts.ids.map(([label, value]) => `${label} ${cut(value, 100)}`).join(", ");
  const card = createCard([
    textBlock(cut(i.userName, 150), { size: "large", weight: "bolder" }),
    textBlock(`${cut(i.name, 200)}, ${ids} (${facts.sourceTitle}: ${cut(i.source, 40)})`, {
      isSubtle: true,
      spacing: "small",
    }),
    {
      type: "FactSet",
      facts: [
        fact("State", state.join(", ")),
        fact("Owner", owner),
        ...facts.facts.map((f) => fact(f.label, cut(f.value, 700))),
        fact(
          "Seen by warden",
          `first ${formatTimeIn(view.firstSeenAt, options.timeZone)}, last ${formatTimeIn(view.lastSeenAt, options.timeZone)}`,
        ),
      ],
    },
  ]);
  card.body.push(
    ...listBlocks(
      facts.list.title,
      facts.list.items.map((c) => cut(c, 200)),
      { maxChars: 1800 },
    ),
  );
  const findings = view.openFindings.map((f) => {
    const evidence = f.evidence.slice(0, 3).map((e) => cut(e.detail, 150));
    if (f.evidence.length > 3) evidence.push(`and ${f.evidence.length - 3} more`);
    const shown = evidence.length > 0 ? md`\n\n    _evidence:_ ${evidence.join("; ")}` : "";
    return md`**${RULE_TITLES[f.rule]}** [${f.severity}] since ${formatDay(f.firstSeenAt)}: ${cut(f.summary, 200)}${shown}\n\n    _recommended:_ ${REMEDIATION_TEXT[f.remediation]}`;
  });
  if (findings.length > 0) {
    card.body.push(...listBlocks("Findings", findings, { maxLines: 6, maxChars: 2400, maxLineChars: 700 }));
  } else card.body.push(textBlock("Findings: none", { separator: true }));
  card.body.push(
    ...listBlocks(
      "Resolved",
      view.resolvedFindings.map((f) => `${RULE_TITLES[f.rule]} resolved ${formatDay(f.resolvedAt)}`),
      { maxChars: 1000 },
    ),
  );
  // Its latest access review certification, the date a DATE function.
  if (view.certified) card.body.push(textBlock(cardRichText(describeCertifiedParts(view.certified))));
  if (view.decisions.length > 0) {
    card.body.push(
      ...listBlocks(
        "Decisions",
        // The time first, as DATE/TIME functions (the reader's own zone): a line cut for length
        // is cut at its end, never through them.
        view.decisions.map((d) =>
          cardRichText([
            timeAt(d.decidedAt),
            ` ${cut(d.actor, 100)}: ${cut(d.action, 30)} → ${cut(d.outcome, 30)}${d.reason ? ` (${cut(d.reason, 150)})` : ""}`,
          ]),
        ),
        { maxChars: 1800 },
      ),
    );
  } else card.body.push(textBlock("Decisions: none", { separator: true }));
  return card;
}
