import type { types } from "@slack/bolt";
import { truncateText } from "../../../messages/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { type SlackMrkdwn, slackMrkdwnOf } from "./slack-rich-text.js";

type KnownBlock = types.KnownBlock;

/*
 * The rule for Slack text: renderers build PLAIN strings, writing warden's own mrkdwn formatting
 * (`*bold*`, `_italic_`, backticks, `•`) literally and putting data (names, emails, reasons,
 * errors) in as it is. Only `mrkdwnText` below turns such a string into a Block Kit text object,
 * and it escapes the whole string: a renderer cannot forget to escape a name, because it never
 * escapes anything. Fallback `text` goes through `slackMessage` (slack-message.ts) the same way.
 * The one exception is warden's own `<!date>` and `<@U…>` tokens: `slackRichText` builds them from
 * a timestamp and a Slack user id (never from text), and a text given as parts carries them whole.
 */

/**
 * The only maker of mrkdwn text objects: escapes `text` (see escapeMrkdwn), cuts it to `max`
 * characters without splitting an entity, and sets `verbatim: true` so Slack does not turn URLs,
 * channel names or `@here` in data into links or mentions
 * (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
 */
export function mrkdwnText(text: SlackText, max: number): types.MrkdwnElement {
  return { type: "mrkdwn", text: fitMrkdwn(text, max) || " ", verbatim: true };
}

/**
 * Plain text (escaped when sent), or parts of it where warden's own `<!date>` and `<@U…>` tokens
 * (slackRichText) sit between plain strings.
 */
export type SlackText = string | readonly (string | SlackMrkdwn)[];

/**
 * The mrkdwn of `text` in at most `max` characters: plain parts escaped and cut without splitting
 * an entity, a trusted part whole or not at all (a cut `<!date…>` token would show as garbage).
 */
function fitMrkdwn(text: SlackText, max: number): string {
  if (typeof text === "string") return escapeMrkdwn(text, max);
  const whole = text.map(slackMrkdwnOf).join("");
  if (whole.length <= max) return whole;
  let out = "";
  for (const part of text) {
    const room = max - out.length;
    if (typeof part === "string") {
      const escaped = escapeMrkdwn(part, room);
      out += escaped;
      if (escaped.length < escapeMrkdwn(part).length) return out;
    } else if (part.mrkdwn.length <= room - 1) out += part.mrkdwn;
    else return `${out}…`;
  }
  return out;
}

/** A header block, cut to its 150 characters. plain_text shows text as it is: nothing to escape. */
export function headerBlock(text: string): KnownBlock {
  return {
    type: "header",
    text: { type: "plain_text", text: truncateText(text || " ", L.headerText), emoji: true },
  };
}

/** A mrkdwn section of plain `text` (see above), cut to `max` characters (at most 3000). */
export function sectionBlock(text: SlackText, max: number = L.sectionText): KnownBlock {
  return { type: "section", text: mrkdwnText(text, Math.min(max, L.sectionText)) };
}

/** A section field: "*Title*\nvalue", cut to `max` characters. */
export function fieldText(title: string, value: SlackText, max = 600): types.MrkdwnElement {
  const text: SlackText = typeof value === "string" ? `*${title}*\n${value}` : [`*${title}*\n`, ...value];
  return mrkdwnText(text, Math.min(max, L.fieldText));
}

/** A context block of up to 10 mrkdwn elements, each cut to `max` characters. */
export function contextBlock(texts: readonly SlackText[], max = 500): KnownBlock {
  const elements = texts
    .filter(Boolean)
    .slice(0, L.contextElements)
    .map((text) => mrkdwnText(text, Math.min(max, L.contextText)));
  return { type: "context", elements: elements.length > 0 ? elements : [mrkdwnText(" ", 1)] };
}

/**
 * "*Title*\n• a\n• b\n… and 9,998 more", as plain text for `sectionBlock`: as many lines as fit
 * in `maxChars` (counted escaped, as Slack will receive them) and `maxLines`, each cut to
 * `maxLineChars`, then how many were left out.
 */
export function listText(
  title: string,
  lines: readonly string[],
  options: {
    maxLines?: number;
    maxChars?: number;
    maxLineChars?: number;
    more?: string;
    total?: number;
  } = {},
): string {
  const maxLines = options.maxLines ?? 10;
  const maxChars = Math.min(options.maxChars ?? 2000, L.sectionText);
  const maxLineChars = options.maxLineChars ?? 250;
  // Room for the "… and N more" line, so adding it never overflows.
  const reserve = 40 + escapeMrkdwn(options.more ?? "").length;
  let text = title;
  let chars = escapeMrkdwn(title).length;
  let shown = 0;
  for (const line of lines) {
    if (shown >= maxLines) break;
    const next = `\n• ${truncateText(line, maxLineChars)}`;
    const nextChars = escapeMrkdwn(next).length;
    if (chars + nextChars > maxChars - reserve) break;
    text += next;
    chars += nextChars;
    shown += 1;
  }
  // `total`: the lines are the first few of a longer list (a digest carries its top accounts only).
  const rest = (options.total ?? lines.length) - shown;
  if (rest > 0)
    text += `\n… and ${rest.toLocaleString("en-US")} more${options.more ? ` ${options.more}` : ""}`;
  return text;
}

/**
 * `listText` for lines that carry warden's tokens (slackRichText): each line whole or not at all,
 * as many as fit in `maxChars` (counted as sent) and `maxLines`, then how many were left out.
 */
export function listMrkdwn(
  title: string,
  lines: readonly SlackMrkdwn[],
  options: { maxLines?: number; maxChars?: number } = {},
): SlackText {
  const maxLines = options.maxLines ?? 10;
  const maxChars = Math.min(options.maxChars ?? 2000, L.sectionText);
  const out: (string | SlackMrkdwn)[] = [title];
  let chars = escapeMrkdwn(title).length;
  let shown = 0;
  for (const line of lines) {
    if (shown >= maxLines || chars + 3 + line.mrkdwn.length > maxChars - 40) break;
    out.push("\n• ", line);
    chars += 3 + line.mrkdwn.length;
    shown += 1;
  }
  if (lines.length > shown) out.push(`\n… and ${(lines.length - shown).toLocaleString("en-US")} more`);
  return out;
}

/** Characters of text a set of blocks carries, as `checkBlockKitLimits` counts them. */
export function countBlockText(blocks: readonly KnownBlock[]): number {
  let total = 0;
  const add = (value: unknown) => {
    if (typeof value === "object" && value !== null && "text" in value && typeof value.text === "string") {
      total += value.text.length;
    }
  };
  for (const block of blocks) {
    const b = block as unknown as Record<string, unknown>;
    add(b.text);
    for (const f of Array.isArray(b.fields) ? b.fields : []) add(f);
    for (const e of Array.isArray(b.elements) ? b.elements : []) {
      add(e);
      const el = e as Record<string, unknown>;
      add(el.text);
      add(el.placeholder);
      const confirm = el.confirm as Record<string, unknown> | undefined;
      if (confirm) for (const key of ["title", "text", "confirm", "deny"]) add(confirm[key]);
    }
    const accessory = b.accessory as Record<string, unknown> | undefined;
    if (accessory) {
      add(accessory.text);
      add(accessory.placeholder);
    }
  }
  return total;
}
