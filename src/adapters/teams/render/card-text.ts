import { truncateText } from "../../../messages/truncate-text.js";
import type { SafeMarkdown, TextBlock } from "./adaptive-card.js";

/*
 * The rule for Teams text: TextBlock and FactSet text is a Markdown subset (bold, italic, lists,
 * links: https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format),
 * so a name such as "[Verify](https://evil)" or "**bold**" would be formatted. Every text reaches a
 * card through `textBlock`, `fact` or `listBlocks` below, which take a `CardText`:
 *   - a plain string (data, or warden's own words): escaped whole, shown exactly as written;
 *   - a `CardMarkdown` made by the `md` template: warden's formatting in the literal parts, and
 *     every interpolated string escaped, e.g. md`**${account.userName}** (${account.name})`.
 * A renderer cannot forget to escape: a plain string is always escaped, and only `md` and
 * `joinMarkdown` produce markdown.
 */

declare const trusted: unique symbol;
/** Markdown whose data parts are escaped; made only by `md` and `joinMarkdown`. */
export interface CardMarkdown {
  readonly [trusted]: true;
  readonly markdown: string;
}
/** What card helpers take: plain text (escaped) or markdown built with `md`. */
export type CardText = string | CardMarkdown;

const isMarkdown = (value: unknown): value is CardMarkdown =>
  typeof value === "object" && value !== null && "markdown" in value;
const markdown = (text: string): CardMarkdown => ({ markdown: text }) as unknown as CardMarkdown;

/**
 * Backslash-escapes what Markdown would read as formatting in text from a source or a user: the
 * punctuation \ ` * _ ~ [ ] ( ) < > # | { anywhere, and a list marker ("- ", "+ ", "1. ", "1) ") at
 * the start of a line. Any ASCII punctuation may be backslash-escaped (CommonMark "Backslash
 * escapes", https://spec.commonmark.org/0.31.2/#backslash-escapes), so the text shows as typed:
 * `<at>Raj</at>` mentions nobody, `[Verify](https://evil)` is not a link and `{{DATE(…)}}` is not
 * a date function (card-rich-text.ts writes warden's own).
 *
 * @example escapeCardMarkdown("**svc_x**") // "\\*\\*svc\\_x\\*\\*"
 */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]()<>#|{]/g, "\\$&")
    .replace(/^([ \t]*)([-+])(?=[ \t]|$)/gm, "$1\\$2")
    .replace(/^([ \t]*\d+)([.)])/gm, "$1\\$2");
}

/** The markdown of a CardText: plain text escaped, `md` markdown as it is. */
export function cardMarkdown(text: CardText): string {
  return isMarkdown(text) ? text.markdown : escapeCardMarkdown(text);
}

/**
 * Tagged template for card markdown: the literal parts are warden's formatting, every
 * interpolated value is escaped (numbers as text; `CardMarkdown` values are kept as they are).
 * Cut data before interpolating it, so no escape is ever cut in half.
 */
export function md(strings: TemplateStringsArray, ...values: readonly (CardText | number)[]): CardMarkdown {
  let text = strings[0] ?? "";
  values.forEach((value, i) => {
    text += (typeof value === "number" ? String(value) : cardMarkdown(value)) + (strings[i + 1] ?? "");
  });
  return markdown(text);
}

/** Joins texts with a separator that is markdown, such as "\n\n" (a paragraph break). */
export function joinMarkdown(parts: readonly CardText[], separator: string): CardMarkdown {
  return markdown(parts.map(cardMarkdown).join(separator));
}

/** Cuts markdown to `max` characters without leaving a lone backslash that would escape the "…". */
function cutMarkdown(text: string, max: number): string {
  const cut = truncateText(text, max);
  if (cut === text) return cut;
  const body = cut.slice(0, -1);
  const backslashes = body.length - body.replace(/\\+$/, "").length;
  return backslashes % 2 === 1 ? `${body.slice(0, -1)}…` : cut;
}

/** A TextBlock of `text` (see CardText), cut to `max` characters when given. */
export function textBlock(
  text: CardText,
  options: Omit<TextBlock, "type" | "text"> & { max?: number } = {},
): TextBlock {
  const { max, ...rest } = options;
  const plain = !isMarkdown(text);
  const value =
    max === undefined
      ? cardMarkdown(text)
      : plain
        ? escapeCardMarkdown(truncateText(text, max))
        : cutMarkdown(text.markdown, max);
  // An empty TextBlock renders nothing (and the validator rejects it).
  return { type: "TextBlock", text: (value || " ") as SafeMarkdown, wrap: true, ...rest };
}

/** A FactSet fact; Teams formats both title and value as markdown, so both are CardText. */
export function fact(title: CardText, value: CardText): { title: SafeMarkdown; value: SafeMarkdown } {
  return {
    title: (cardMarkdown(title) || " ") as SafeMarkdown,
    value: (cardMarkdown(value) || " ") as SafeMarkdown,
  };
}

/**
 * "**Title**" then as many bullet lines as fit `maxChars` and `maxLines`, then "… and N more".
 * Lines are separated by blank lines because Teams ignores a single "\n" in TextBlock markdown.
 */
export function listBlocks(
  title: CardText,
  lines: readonly CardText[],
  options: {
    maxLines?: number;
    maxChars?: number;
    maxLineChars?: number;
    more?: CardText;
    total?: number;
  } = {},
): TextBlock[] {
  if (lines.length === 0) return [];
  const maxLines = options.maxLines ?? 10;
  const maxChars = options.maxChars ?? 2000;
  const maxLineChars = options.maxLineChars ?? 250;
  const shown: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (shown.length >= maxLines) break;
    // Plain lines are cut before escaping; markdown lines are cut clear of their escapes.
    const text = isMarkdown(line)
      ? cutMarkdown(line.markdown, maxLineChars)
      : escapeCardMarkdown(truncateText(line, maxLineChars));
    const next = `• ${text}`;
    if (chars + next.length > maxChars) break;
    shown.push(next);
    chars += next.length + 2;
  }
  // `total`: the lines are the first few of a longer list (a digest carries its top accounts only).
  const rest = (options.total ?? lines.length) - shown.length;
  if (rest > 0) {
    const more = options.more === undefined ? "" : ` ${cardMarkdown(options.more)}`;
    shown.push(`… and ${rest.toLocaleString("en-US")} more${more}`);
  }
  return [
    textBlock(title, { weight: "bolder", spacing: "medium", separator: true }),
    textBlock(markdown(shown.join("\n\n")), { spacing: "small" }),
  ];
}

/** Cuts plain text to `max` characters; re-exported so Teams renderers read like the Slack ones. */
export const cut = truncateText;

/**
 * "[Open in Entra admin center](https://…)": warden's own link title and an https URL whose ids
 * accountLink percent-encoded (http only where the instance is reached over http). Anything that is not such a URL (or would end the link early:
 * whitespace, parentheses, angle brackets) is shown as plain text instead of a link.
 */
export function cardLink(title: string, url: string): CardMarkdown {
  if (!/^https?:\/\/[^\s()<>]+$/.test(url)) return markdown(escapeCardMarkdown(title));
  return markdown(`[${escapeCardMarkdown(title)}](${url})`);
}
