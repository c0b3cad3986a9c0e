import type { App } from "@slack/bolt";
import { parseMineFilter } from "../../../../messages/build-mine-view.js";
import { HOME_ACTION_IDS, readHomeState } from "../../render/index.js";
import type { SlackListenerContext } from "../listener-context.js";
import { publishHome } from "../publish-home.js";

const PAGE_PATTERN = new RegExp(`^${HOME_ACTION_IDS.page}_`);

/** The Home view a control sits in (Slack sends it with the click). */
type HomeBody = { type: string; user: { id: string }; view?: { type?: string; private_metadata?: string } };

/**
 * The Home tab's menus (finding, source) and pager: each re-publishes the tab with the new choice.
 * A menu change starts again at page 1. Only the clicker's own list is drawn (by their email), so
 * the state in private_metadata can ask for a page or a filter, never for someone else's accounts.
 */
export function registerHomeControls(app: App, ctx: SlackListenerContext): void {
  const republish = async (body: HomeBody, change: (state: ReturnType<typeof readHomeState>) => object) => {
    if (body.type !== "block_actions" || body.view?.type !== "home") return;
    const state = readHomeState(body.view.private_metadata);
    const next = { ...state, ...change(state) };
    await publishHome(ctx, body.user.id, { ...parseMineFilter(next), page: Number(next.page) || 1 });
  };
  const selected = (action: unknown) => {
    const value = (action as { selected_option?: { value?: string } }).selected_option?.value;
    return value === "all" ? undefined : value;
  };
  app.action(HOME_ACTION_IDS.rule, async ({ ack, body, action }) => {
    await ack();
    await republish(body as HomeBody, () => ({ rule: selected(action), page: 1 }));
  });
  app.action(HOME_ACTION_IDS.source, async ({ ack, body, action }) => {
    await ack();
    await republish(body as HomeBody, () => ({ source: selected(action), page: 1 }));
  });
  app.action(PAGE_PATTERN, async ({ ack, body, action }) => {
    await ack();
    await republish(body as HomeBody, () => ({ page: Number((action as { value?: string }).value) || 1 }));
  });
}
