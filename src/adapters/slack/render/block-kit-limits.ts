/**
 * Block Kit limits warden enforces (docs.slack.dev block reference; see
 * docs/shared reference chat.md §3). Slack answers `invalid_blocks` above them, so renderers stay
 * under them for any input and `checkBlockKitLimits` verifies it.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  placeholderText: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** https://docs.slack.dev/reference/views/modal-views: title is plain_text, at most 24 characters. */
  modalTitle: 24,
  /**
   * Undocumented: Slack answered `msg_blocks_too_long` at about 13,200 characters of markdown in a
   * few blocks (bolt-js issue #2509), so the whole message's text stays below this.
   */
  totalText: 12_000,
  /** Slack truncates the notification `text` above 40,000; we keep it short, it is only a preview. */
  fallbackText: 3000,
} as const;
