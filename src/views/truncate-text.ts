/**
 * Shortens `text` to at most `max` characters, ending with "…" when cut. Never cuts a Slack
 * entity (`&amp;`, `&lt;`, `&gt;`) in half, because a half entity would show as garbage.
 *
 * @example truncateText("abcdef", 4) // "abc…"
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, Math.max(0, max));
  let cut = text.slice(0, max - 1);
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && amp > cut.length - 5 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  return `${cut}…`;
}
