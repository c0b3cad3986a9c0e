import type { App } from "@slack/bolt";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import { registerEvents } from "./events/index.js";
import type { SlackListenerContext } from "./listener-context.js";
import { registerViews } from "./views/index.js";

/**
 * Every warden listener, one per file as in Slack's Bolt starter app
 * (https://github.com/slack-samples/bolt-ts-starter-template): actions/, commands/, events/
 * (the Home tab opened), views/.
 */
export function registerListeners(app: App, ctx: SlackListenerContext): void {
  registerActions(app, ctx);
  registerCommands(app, ctx);
  registerEvents(app, ctx);
  registerViews(app, ctx);
}
