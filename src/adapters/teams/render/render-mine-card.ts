import type { MineView } from "../../../messages/build-mine-view.js";
import {
  describeMineIntro,
  describeMineNotes,
  describeMinePage,
  MINE_TITLE,
  mineRuleOptions,
  mineSourceOptions,
} from "../../../messages/describe-mine.js";
import { type AdaptiveCard, type CardAction, type CardElement, createCard } from "./adaptive-card.js";
import { withMentions } from "./card-rich-text.js";
import { textBlock } from "./card-text.js";
import { fitAccountCardItems } from "./fit-account-card-items.js";
import { executeAction, renderAccountCardItems } from "./render-account-card-items.js";
import { decisionActors } from "./render-owner-message-card.js";

/** The verb of the `mine` card's Show / Previous / Next buttons (handlers/on-mine-action.ts). */
export const MINE_VERB = "warden_mine";

/**
 * Ids of the card's inputs, merged into the data of every action on the card: the filter and page
 * come back with each click, a decision's too, so the list is drawn again as the user left it.
 */
export const MINE_INPUTS = { rule: "mineRule", source: "mineSource", page: "minePage" } as const;

/** The finding, source and page menus (compact Input.ChoiceSet), each on its current choice. */
function controls(view: MineView): CardElement[] {
  if (view.total === 0) return [];
  const choices = (options: { value: string; label: string }[]) =>
    options.map((o) => ({ title: o.label, value: o.value }));
  const pages = Array.from({ length: Math.min(view.pageCount, 100) }, (_, i) => ({
    title: describeMinePage({ page: i + 1, pageCount: view.pageCount }),
    value: String(i + 1),
  }));
  return [
    {
      type: "Input.ChoiceSet",
      id: MINE_INPUTS.rule,
      label: "Finding",
      style: "compact",
      value: view.filter.rule ?? "all",
      choices: choices(mineRuleOptions(view)),
    },
    {
      type: "Input.ChoiceSet",
      id: MINE_INPUTS.source,
      label: "Source",
      style: "compact",
      value: view.filter.source ?? "all",
      choices: choices(mineSourceOptions(view)),
    },
    {
      type: "Input.ChoiceSet",
      id: MINE_INPUTS.page,
      label: "Page",
      style: "compact",
      value: String(view.page),
      choices: pages,
    },
  ];
}

/**
 * `mine` in a 1:1 chat with warden: the viewer's accounts riskiest first, a page at a time, with
 * each account's actions (no outbox id: the click goes through the one decision path and the card
 * is drawn again), the finding/source/page menus and Show, Previous, Next.
 */
export function renderMineCard(
  view: MineView,
  options: { now: Date; notice?: string | undefined },
): AdaptiveCard {
  const body: CardElement[] = [
    textBlock(MINE_TITLE, { size: "large", weight: "bolder" }),
    ...(options.notice ? [textBlock(options.notice, { weight: "bolder", max: 1500 })] : []),
    textBlock(describeMineIntro(view), { max: 1000 }),
    ...controls(view),
  ];
  const actions: CardAction[] = [];
  if (view.total > 0) {
    actions.push(executeAction("Show", MINE_VERB, { mine: 0 }));
    if (view.page > 1) actions.push(executeAction("← Previous", MINE_VERB, { mine: view.page - 1 }));
    if (view.page < view.pageCount) actions.push(executeAction("Next →", MINE_VERB, { mine: view.page + 1 }));
  }
  const card = fitAccountCardItems(
    createCard(body, actions),
    view.accounts,
    (account) => renderAccountCardItems(account, { now: options.now }),
    view.pageSize,
  );
  const notes = describeMineNotes(view);
  if (view.pageCount > 1) notes.unshift(describeMinePage(view));
  for (const note of notes) card.body.push(textBlock(note, { isSubtle: true, size: "small" }));
  // A decision line mentions who acted: its entity goes with the card.
  return withMentions(card, decisionActors(view.accounts));
}
