import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerSubmitKeepModal } from "./submit-keep-modal.js";

/** Modal submissions: the Keep modal. */
export function registerViews(app: App, ctx: SlackListenerContext): void {
  registerSubmitKeepModal(app, ctx);
}
