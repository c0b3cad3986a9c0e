import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerSubmitBulkModal } from "./submit-bulk-modal.js";
import { registerSubmitKeepModal } from "./submit-keep-modal.js";

/** Modal submissions: the Keep modal and the bulk ("Decide for several…") modal. */
export function registerViews(app: App, ctx: SlackListenerContext): void {
  registerSubmitKeepModal(app, ctx);
  registerSubmitBulkModal(app, ctx);
}
