import { truncateText } from "../../../views/truncate-text.js";
import type { TextBlock } from "./adaptive-card.js";

/** A wrapping TextBlock; empty text becomes a space because an empty TextBlock renders nothing. */
export function textBlock(text: string, options: Omit<TextBlock, "type" | "text"> = {}): TextBlock {
  return { type: "TextBlock", text: text || " ", wrap: true, ...options };
}

/**
 * "**Title**" then as many bullet lines as fit `maxChars` and `maxLines`, then "… and N more".
 * Lines are separated by blank lines because Teams ignores a single "\n" in TextBlock markdown.
 */
export function listBlocks(
  title: string,
  lines: readonly string[],
  options: { maxLines?: number; maxChars?: number; maxLineChars?: number; more?: string } = {},
): TextBlock[] {
  if (lines.length === 0) return [];
  const maxLines = options.maxLines ?? 10;
  const maxChars = options.maxChars ?? 2000;
  const maxLineChars = options.maxLineChars ?? 250;
  const shown: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (shown.length >= maxLines) break;
    const next = `• ${truncateText(line, maxLineChars)}`;
    if (chars + next.length > maxChars) break;
    shown.push(next);
    chars += next.length + 2;
  }
  const rest = lines.length - shown.length;
  if (rest > 0)
    shown.push(`… and ${rest.toLocaleString("en-US")} more${options.more ? ` ${options.more}` : ""}`);
  return [
    textBlock(title, { weight: "bolder", spacing: "medium", separator: true }),
    textBlock(shown.join("\n\n"), { spacing: "small" }),
  ];
}

/** Cuts text to `max` characters; re-exported so Teams renderers read like the Slack ones. */
export const cut = truncateText;
