/** The entity for each of Slack's three control characters. */
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Makes text from a source or a user inert in Slack: `&`, `<` and `>` become `&amp;`, `&lt;` and
 * `&gt;`, the only characters Slack treats as control characters, so `<!everyone>`, `<@U123>`,
 * `<#C123>` or `<https://evil|click>` show as typed and ping or link nothing
 * (https://docs.slack.dev/messaging/formatting-message-text, "Escaping text"). warden's own mrkdwn
 * formatting (`*bold*`, `_italic_`, backticks, `•`) never uses them, so whole texts are escaped.
 *
 * With `max`, the plain text is cut first and then escaped, so the result has at most `max`
 * characters, ends with "…" when cut, and never ends in half an entity or half an emoji.
 *
 * @example escapeMrkdwn("a & <!channel>") // "a &amp; &lt;!channel&gt;"
 */
export function escapeMrkdwn(text: string, max = Number.POSITIVE_INFINITY): string {
  const escaped = text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
  if (escaped.length <= max) return escaped;
  if (max < 1) return "";
  let out = "";
  // Code point by code point (for…of keeps surrogate pairs together), keeping room for "…".
  for (const char of text) {
    const next = ENTITIES[char] ?? char;
    if (out.length + next.length > max - 1) break;
    out += next;
  }
  return `${out}…`;
}
