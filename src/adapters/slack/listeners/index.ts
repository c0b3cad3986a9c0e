import type { App } from "@slack/bolt";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import type { SlackListenerContext } from "./listener-context.js";
import { registerViews } from "./views/index.js";

/**
 * Every warden listener, one per file as in Slack's Bolt starter app
 * (https://github.com/slack-samples/bolt-ts-starter-template): actions/, commands/, views/.
 * warden subscribes to no Events API events, so there is no events/ folder.
 */
export function registerListeners(app: App, ctx: SlackListenerContext): void {
  registerActions(app, ctx);
  registerCommands(app, ctx);
  registerViews(app, ctx);
}
