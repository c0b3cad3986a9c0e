/** Teams Adaptive Card (1.5) renderers of warden's views: pure functions returning plain JSON. */
export * from "./adaptive-card.js";
export { type CardInputName, cardInputId, readCardInput } from "./card-input-id.js";
export {
  type CardMarkdown,
  type CardText,
  cardMarkdown,
  escapeCardMarkdown,
  fact,
  joinMarkdown,
  listBlocks,
  md,
  textBlock,
} from "./card-text.js";
export { type AdaptiveCardParser, checkAdaptiveCard } from "./check-adaptive-card.js";
export { plainTextActivity } from "./plain-text-activity.js";
export { renderAlertCard } from "./render-alert-card.js";
export { renderDigestCard } from "./render-digest-card.js";
export { renderFollowUpCard } from "./render-follow-up-card.js";
export { renderHelpCard, TEAMS_COMMANDS } from "./render-help-card.js";
export { renderLookupCard } from "./render-lookup-card.js";
export { MINE_INPUTS, MINE_VERB, renderMineCard } from "./render-mine-card.js";
export { renderNoticeCard } from "./render-notice-card.js";
export { type AccountCardOptions, renderOwnerMessageCard } from "./render-owner-message-card.js";
export { renderUnownedCard } from "./render-unowned-card.js";
