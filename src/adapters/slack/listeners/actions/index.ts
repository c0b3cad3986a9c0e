import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerAssignOwner } from "./assign-owner.js";
import { registerDecide } from "./decide.js";
import { registerHomeControls } from "./home-controls.js";
import { registerOpenBulkModal } from "./open-bulk-modal.js";
import { registerOpenReasonModal } from "./open-reason-modal.js";
import { registerOpenReviewBulkModal } from "./open-review-bulk-modal.js";

/**
 * Block actions: the decision buttons, Keep… and Still needed…, the admin channel's owner picker,
 * the bulk buttons (Decide for several…, Still needed for all…), the Home tab's menus and pager.
 */
export function registerActions(app: App, ctx: SlackListenerContext): void {
  registerDecide(app, ctx);
  registerOpenReasonModal(app, ctx);
  registerAssignOwner(app, ctx);
  registerOpenBulkModal(app, ctx);
  registerOpenReviewBulkModal(app, ctx);
  registerHomeControls(app, ctx);
}
