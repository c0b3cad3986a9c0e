import type { types } from "@slack/bolt";
import type { HomeView } from "@slack/types";
import type { MineFilter, MineView } from "../../../messages/build-mine-view.js";
import {
  describeMineIntro,
  describeMineNotes,
  describeMinePage,
  MINE_TITLE,
  mineRuleOptions,
  mineSourceOptions,
} from "../../../messages/describe-mine.js";
import { truncateText } from "../../../messages/truncate-text.js";
import { fitAccountBlocks } from "./fit-account-blocks.js";
import { contextBlock, headerBlock, sectionBlock } from "./slack-blocks.js";
import { type SlackMessage, slackMessage } from "./slack-message.js";

/** action_ids of the Home tab's own controls (listeners/actions/home-controls.ts). */
export const HOME_ACTION_IDS = {
  rule: "warden_home_rule",
  source: "warden_home_source",
  page: "warden_home_page",
} as const;

/** What the Home tab shows, kept in its private_metadata: a click re-publishes the same list. */
export interface HomeState extends MineFilter {
  page: number;
}

/** The state a Home view carries; anything unreadable is the first page of everything. */
export function readHomeState(privateMetadata: string | undefined): HomeState {
  try {
    const parsed = JSON.parse(privateMetadata ?? "") as Record<string, unknown>;
    const page = typeof parsed.page === "number" && Number.isInteger(parsed.page) ? parsed.page : 1;
    return {
      page,
      ...(typeof parsed.rule === "string" ? { rule: parsed.rule as MineFilter["rule"] } : {}),
      ...(typeof parsed.source === "string" ? { source: parsed.source } : {}),
    };
  } catch {
    return { page: 1 };
  }
}

const option = (o: { value: string; label: string }): types.PlainTextOption => ({
  text: { type: "plain_text", text: truncateText(o.label, 75) },
  value: o.value,
});

/** The list's blocks: a header, a notice (a click's outcome) if any, the intro, the accounts. */
function listBlocks(
  view: MineView,
  options: { now: Date; notice?: string | undefined; controls: types.KnownBlock[] },
): types.KnownBlock[] {
  const head: types.KnownBlock[] = [
    headerBlock(MINE_TITLE),
    ...(options.notice ? [sectionBlock(options.notice, 1500)] : []),
    sectionBlock(describeMineIntro(view), 1000),
    ...options.controls,
  ];
  // Home clicks carry no outbox id: verifyOrigin takes them as not from a message, and the
  // listener re-publishes the Home tab after the decision (apply-click.ts).
  const blocks = fitAccountBlocks(
    head,
    view.accounts,
    { now: options.now, maxAccounts: view.pageSize },
    "owner",
  );
  const notes = describeMineNotes(view);
  if (notes.length > 0) blocks.push(contextBlock(notes, 400));
  return blocks;
}

/** The Home tab's rule and source menus, each with the current choice selected. */
function filterControls(view: MineView): types.KnownBlock[] {
  if (view.total === 0) return [];
  const rules = mineRuleOptions(view).map(option);
  const sources = mineSourceOptions(view).map(option);
  const rule = rules.find((o) => o.value === (view.filter.rule ?? "all")) ?? rules[0];
  const source = sources.find((o) => o.value === (view.filter.source ?? "all")) ?? sources[0];
  return [
    {
      type: "actions",
      block_id: "warden_home_filters",
      elements: [
        {
          type: "static_select",
          action_id: HOME_ACTION_IDS.rule,
          placeholder: { type: "plain_text", text: "Finding" },
          options: rules.slice(0, 100),
          ...(rule ? { initial_option: rule } : {}),
        },
        {
          type: "static_select",
          action_id: HOME_ACTION_IDS.source,
          placeholder: { type: "plain_text", text: "Source" },
          options: sources.slice(0, 100),
          ...(source ? { initial_option: source } : {}),
        },
      ],
    },
  ];
}

/** Previous / Next buttons and "Page 2 of 4", when there is more than one page. */
function pager(view: MineView): types.KnownBlock[] {
  if (view.pageCount <= 1) return [];
  const go = (text: string, page: number): types.Button => ({
    type: "button",
    action_id: `${HOME_ACTION_IDS.page}_${page > view.page ? "next" : "previous"}`,
    text: { type: "plain_text", text },
    value: String(page),
  });
  const elements: types.Button[] = [];
  if (view.page > 1) elements.push(go("← Previous", view.page - 1));
  if (view.page < view.pageCount) elements.push(go("Next →", view.page + 1));
  return [
    contextBlock([describeMinePage(view)]),
    { type: "actions", block_id: "warden_home_pager", elements },
  ];
}

/**
 * The Home tab (views.publish): the viewer's accounts with their buttons, the rule and source
 * menus and the pager; the state rides in private_metadata. 100 blocks are allowed in a Home
 * view, but the page size keeps the text within what Slack takes (MINE_PAGE_SIZE).
 * https://docs.slack.dev/surfaces/app-home
 */
export function renderHomeView(
  view: MineView,
  options: { now: Date; notice?: string | undefined },
): HomeView {
  const blocks = [...listBlocks(view, { ...options, controls: filterControls(view) }), ...pager(view)];
  const state: HomeState = { page: view.page, ...view.filter };
  return { type: "home", private_metadata: JSON.stringify(state), blocks };
}

/**
 * `/warden mine`, answered privately: the first page, as in the Home tab but without its menus;
 * the rest is one click away in the Home tab.
 */
export function renderMineBlocks(
  view: MineView,
  options: { now: Date; notice?: string | undefined },
): SlackMessage {
  const more =
    view.pageCount > 1
      ? [
          contextBlock([
            `${describeMinePage(view)}. Open warden's Home tab for the others, with filters by finding and source.`,
          ]),
        ]
      : [];
  return slackMessage(`warden: ${describeMineIntro(view)}`, [
    ...listBlocks(view, { ...options, controls: [] }),
    ...more,
  ]);
}
