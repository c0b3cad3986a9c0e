import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerAssignOwner } from "./assign-owner.js";
import { registerDecide } from "./decide.js";
import { registerOpenBulkModal } from "./open-bulk-modal.js";
import { registerOpenKeepModal } from "./open-keep-modal.js";

/** Block actions: the decision buttons, Keep…, and the admin channel's owner picker. */
export function registerActions(app: App, ctx: SlackListenerContext): void {
  registerDecide(app, ctx);
  registerOpenKeepModal(app, ctx);
  registerAssignOwner(app, ctx);
  registerOpenBulkModal(app, ctx);
}
