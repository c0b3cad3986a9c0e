/**
 * How long a Keep (an accepted risk) lasts: one policy for Slack's modal, Teams' card and the core. The chat
 * controls offer `choices`; whatever arrives is checked against `min`..`max` here, because a
 * button value, card input or modal state is whatever the client sent.
 */
export const KEEP_DAYS = {
  default: 90,
  min: 1,
  max: 365,
  choices: [30, 60, 90, 180, 365],
} as const;

/**
 * The Keep duration asked for: the default when nothing was chosen, undefined when the value is
 * not a whole number of days within the allowed range.
 */
export function parseKeepDays(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return KEEP_DAYS.default;
  const days =
    typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  return Number.isInteger(days) && days >= KEEP_DAYS.min && days <= KEEP_DAYS.max ? days : undefined;
}
