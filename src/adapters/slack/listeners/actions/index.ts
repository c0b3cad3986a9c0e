import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerAssignOwner } from "./assign-owner.js";
import { registerDecide } from "./decide.js";
import { registerHomeControls } from "./home-controls.js";
import { registerOpenBulkModal } from "./open-bulk-modal.js";
import { registerOpenKeepModal } from "./open-keep-modal.js";

/** Block actions: the decision buttons, Keep…, the admin channel's owner picker, the Home tab's menus and pager. */
export function registerActions(app: App, ctx: SlackListenerContext): void {
  registerDecide(app, ctx);
  registerOpenKeepModal(app, ctx);
  registerAssignOwner(app, ctx);
  registerOpenBulkModal(app, ctx);
  registerHomeControls(app, ctx);
}
