import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerAppHomeOpened } from "./app-home-opened.js";

/** Events API events: the Home tab opened. */
export function registerEvents(app: App, ctx: SlackListenerContext): void {
  registerAppHomeOpened(app, ctx);
}
