/**
 * Shortens plain `text` to at most `max` characters (UTF-16 code units, as Slack and JSON count
 * them), ending with "…" when cut. Never splits a surrogate pair, so an emoji is kept whole or
 * left out. Cut data before escaping it for a chat platform: an escape sequence cut in half would
 * show as garbage (the adapters' escaping helpers do this for every text they emit).
 *
 * @example truncateText("abcdef", 4) // "abc…"
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, Math.max(0, max));
  let end = max - 1;
  // A high surrogate at the cut would leave half an emoji.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
