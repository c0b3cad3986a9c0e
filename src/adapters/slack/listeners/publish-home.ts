import { buildMineView } from "../../../messages/build-mine-view.js";
import { type HomeState, renderHomeView } from "../render/index.js";
import type { SlackListenerContext } from "./listener-context.js";

/**
 * Publishes `userId`'s Home tab: their accounts as `state` asks (page, rule, source), read from
 * the store only, with `notice` (a click's outcome) on top. views.publish replaces the whole tab
 * for that user; nobody else's accounts are in it. https://docs.slack.dev/reference/methods/views.publish
 */
export async function publishHome(
  ctx: SlackListenerContext,
  userId: string,
  state: HomeState,
  notice?: string,
): Promise<void> {
  const view = await buildMineView(ctx.store, {
    email: await ctx.emailOf(userId),
    admins: ctx.admins,
    filter: { rule: state.rule, source: state.source },
    page: state.page,
    now: ctx.now(),
    ticketMode: ctx.ticketMode,
  });
  await ctx.client.views.publish({ user_id: userId, view: renderHomeView(view, { now: ctx.now(), notice }) });
}
