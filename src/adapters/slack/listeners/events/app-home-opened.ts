import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { publishHome } from "../publish-home.js";

/**
 * The Home tab is drawn when its user opens it (`app_home_opened`, tab "home"), from the store,
 * first page of everything; the Messages tab opening it too is ignored. An event is answered with
 * 200 by Bolt whatever the listener does; a failed publish is logged, the user sees the old tab.
 * https://docs.slack.dev/reference/events/app_home_opened
 */
export function registerAppHomeOpened(app: App, ctx: SlackListenerContext): void {
  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    try {
      await publishHome(ctx, event.user, { page: 1 });
    } catch (error) {
      ctx.logger.warn({ err: error, user: event.user }, "could not publish the Slack Home tab");
    }
  });
}
