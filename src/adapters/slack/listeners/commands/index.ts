import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerWardenCommand } from "./warden-command.js";

/** Slash commands: `/warden`. */
export function registerCommands(app: App, ctx: SlackListenerContext): void {
  registerWardenCommand(app, ctx);
}
