import type { types } from "@slack/bolt";
import type { LookupView } from "../../../messages/build-lookup.js";
import { describeIdentityFacts } from "../../../messages/describe-identity-facts.js";
import { describeCertifiedParts } from "../../../messages/describe-review-message.js";
import { describeAccountState, formatDay } from "../../../messages/format-text.js";
import { timeAt } from "../../../messages/rich-text.js";
import { REMEDIATION_TEXT, RULE_TITLES } from "../../../messages/rule-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import {
  fieldText,
  headerBlock,
  listMrkdwn,
  listText,
  type SlackText,
  sectionBlock,
} from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";
import { slackRichText } from "./slack-rich-text.js";

/** Characters per list: five lists and the facts stay under the message's text budget. */
const LIST_CHARS = 1800;

/**
 * One account for `/warden lookup` (sent ephemeral): state, owner, roles, activity, how it
 * authenticates, its API calls, findings with evidence, resolved findings and decisions.
 */
export function renderLookupBlocks(view: LookupView): SlackMessage {
  if (!view.found) {
    const suggestions = view.suggestions.slice(0, 10).map((s) => `\`${truncateText(s, 80)}\``);
    const more = view.suggestions.length > 10 ? ` and ${view.suggestions.length - 10} more` : "";
    const hint = suggestions.length > 0 ? ` Did you mean: ${suggestions.join(", ")}${more}?` : "";
    const text = `No machine identity "${truncateText(view.query, 200)}" in the last scans.${hint}`;
    return slackMessage(text, [sectionBlock(text)]);
  }
  const { identity: i } = view;
  const ec = truncateText;
  const state = describeAccountState(i);
  const owner = i.owner
    ? `${ec(i.owner.name, 100)} <${ec(i.owner.email ?? "no email", 120)}>${i.owner.active ? "" : " (inactive)"}`
    : "none";
  const facts = describeIdentityFacts(i);
  const field = (title: string, value: SlackText) => fieldText(title, value);
  const ids = facts.ids.map(([label, value]) => `${label} \`${ec(value, 100)}\``).join(", ");
  const blocks: types.KnownBlock[] = [
    headerBlock(i.userName),
    sectionBlock(`${ec(i.name, 200)}, ${ids} (${ec(facts.sourceTitle, 40)}: ${ec(i.source, 40)})`, 400),
    {
      type: "section",
      fields: [
        field("State", state.join(", ")),
        field("Owner", owner),
        ...facts.facts.map((fact) => field(fact.label, ec(fact.value, 700))),
        // <!date> tokens: each reader sees the times in their own zone (the fallback says UTC).
        field("Seen by warden", [
          "first ",
          slackRichText([timeAt(view.firstSeenAt)]),
          "\nlast ",
          slackRichText([timeAt(view.lastSeenAt)]),
        ]),
      ].slice(0, 10),
    },
    sectionBlock(
      listText(
        `*${facts.list.title}*`,
        facts.list.items.map((c) => ec(c, 200)),
        { maxChars: LIST_CHARS },
      ),
    ),
  ];
  const findings = view.openFindings.map((f) => {
    const evidence = f.evidence.slice(0, 3).map((e) => ec(e.detail, 150));
    if (f.evidence.length > 3) evidence.push(`and ${f.evidence.length - 3} more`);
    return `*${RULE_TITLES[f.rule]}* [${f.severity}] since ${formatDay(f.firstSeenAt)}: ${ec(f.summary, 200)}${evidence.length > 0 ? `\n    _evidence:_ ${evidence.join("; ")}` : ""}\n    _recommended:_ ${REMEDIATION_TEXT[f.remediation]}`;
  });
  blocks.push(
    sectionBlock(
      findings.length > 0
        ? listText("*Findings*", findings, { maxLines: 6, maxChars: 2400, maxLineChars: 700 })
        : "*Findings:* none",
    ),
  );
  if (view.resolvedFindings.length > 0) {
    blocks.push(
      sectionBlock(
        listText(
          "*Resolved*",
          view.resolvedFindings.map((f) => `${RULE_TITLES[f.rule]} resolved ${formatDay(f.resolvedAt)}`),
          { maxChars: 1000 },
        ),
      ),
    );
  }
  // Its latest access review certification, the date a token.
  if (view.certified) blocks.push(sectionBlock([slackRichText(describeCertifiedParts(view.certified))]));
  blocks.push(
    sectionBlock(
      view.decisions.length > 0
        ? listMrkdwn(
            "*Decisions*",
            // The time as a date token: the reader's own time zone.
            view.decisions.map((d) =>
              slackRichText([
                timeAt(d.decidedAt),
                ` ${ec(d.actor, 100)}: ${ec(d.action, 30)} → ${ec(d.outcome, 30)}${d.reason ? ` (${ec(d.reason, 150)})` : ""}`,
              ]),
            ),
            { maxChars: LIST_CHARS },
          )
        : "*Decisions:* none",
    ),
  );
  const text = `${i.userName}: ${plural(view.openFindings.length)}`;
  return slackMessage(text, blocks);
}

/** "2 open findings" / "no open finding". */
function plural(count: number): string {
  return count === 0 ? "no open finding" : `${count} open finding${count === 1 ? "" : "s"}`;
}
