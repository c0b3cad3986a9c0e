/** Slack Block Kit renderers of warden's views: pure functions, no Slack client needed. */
export {
  ASSIGN_OWNER_ACTION_ID,
  type AssignOwnerTarget,
  assignOwnerBlockId,
  parseAssignOwnerBlockId,
} from "./assign-owner-block-id.js";
export { BLOCK_KIT_LIMITS } from "./block-kit-limits.js";
export { checkBlockKitLimits } from "./check-block-kit-limits.js";
export { renderAlertBlocks } from "./render-alert-blocks.js";
export { renderDigestBlocks } from "./render-digest-blocks.js";
export { renderHelpBlocks, SLACK_COMMANDS } from "./render-help-blocks.js";
export { renderLookupBlocks } from "./render-lookup-blocks.js";
export {
  HOME_ACTION_IDS,
  type HomeState,
  readHomeState,
  renderHomeView,
  renderMineBlocks,
} from "./render-mine-blocks.js";
export { type AccountListOptions, renderOwnerMessageBlocks } from "./render-owner-message-blocks.js";
export { renderUnownedBlocks } from "./render-unowned-blocks.js";
