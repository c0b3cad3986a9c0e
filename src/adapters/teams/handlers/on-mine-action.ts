import type { TurnContext } from "botbuilder";
import { buildMineView, parseMineFilter } from "../../../messages/build-mine-view.js";
import { type AdaptiveCard, MINE_INPUTS, renderMineCard } from "../render/index.js";
import type { TeamsHandlerContext } from "./handler-context.js";

/** The click came from a `mine` card: its inputs (filter, page) are merged into every action's data. */
export function isFromMineCard(data: Record<string, unknown>): boolean {
  return MINE_INPUTS.rule in data || typeof data.mine === "number";
}

/**
 * The `mine` card drawn again for the clicking user, as its inputs and the button ask: a page
 * button names its page, Show and a decision keep the page chosen in the menu. Only the clicker's
 * own accounts are read (by their email), whatever the data says.
 */
export async function renderMineCardFor(
  ctx: TeamsHandlerContext,
  context: TurnContext,
  data: Record<string, unknown>,
  notice?: string,
): Promise<AdaptiveCard> {
  const chosen = (value: unknown) => (value === "all" ? undefined : value);
  const asked = typeof data.mine === "number" && data.mine > 0 ? data.mine : Number(data[MINE_INPUTS.page]);
  const view = await buildMineView(ctx.store, {
    email: await ctx.emailOf(context),
    admins: ctx.admins,
    filter: parseMineFilter({
      rule: chosen(data[MINE_INPUTS.rule]),
      source: chosen(data[MINE_INPUTS.source]),
    }),
    page: Number.isFinite(asked) ? asked : 1,
    now: ctx.now(),
    ticketMode: ctx.ticketMode,
  });
  return renderMineCard(view, { now: ctx.now(), notice });
}
