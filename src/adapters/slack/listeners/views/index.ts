import type { App } from "@slack/bolt";
import type { SlackListenerContext } from "../listener-context.js";
import { registerSubmitBulkModal } from "./submit-bulk-modal.js";
import { registerSubmitReasonModals } from "./submit-reason-modal.js";
import { registerSubmitReviewBulkModal } from "./submit-review-bulk-modal.js";

/** Modal submissions: the Keep and Still needed modals and the bulk ones (Decide for several…, Still needed for all…). */
export function registerViews(app: App, ctx: SlackListenerContext): void {
  registerSubmitReasonModals(app, ctx);
  registerSubmitBulkModal(app, ctx);
  registerSubmitReviewBulkModal(app, ctx);
}
