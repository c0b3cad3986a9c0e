import type { types } from "@slack/bolt";
import { truncateText } from "../../../views/truncate-text.js";
import { BLOCK_KIT_LIMITS as L } from "./block-kit-limits.js";

type KnownBlock = types.KnownBlock;

/**
 * Escapes the three characters Slack mrkdwn treats as control characters, so an account named
 * "<!channel>" cannot ping a channel or break a link (docs.slack.dev "Formatting text").
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A header block, cut to its 150 characters. */
export function headerBlock(text: string): KnownBlock {
  return {
    type: "header",
    text: { type: "plain_text", text: truncateText(text || " ", L.headerText), emoji: true },
  };
}

/** A mrkdwn section, cut to `max` characters (at most the section limit of 3000). */
export function sectionBlock(text: string, max: number = L.sectionText): KnownBlock {
  return {
    type: "section",
    text: { type: "mrkdwn", text: truncateText(text || " ", Math.min(max, L.sectionText)) },
  };
}

/** A context block of up to 10 mrkdwn elements, each cut to `max` characters. */
export function contextBlock(texts: readonly string[], max = 500): KnownBlock {
  const elements = texts
    .filter(Boolean)
    .slice(0, L.contextElements)
    .map((text) => ({ type: "mrkdwn" as const, text: truncateText(text, Math.min(max, L.contextText)) }));
  return { type: "context", elements: elements.length > 0 ? elements : [{ type: "mrkdwn", text: " " }] };
}

/**
 * "*Title*\n• a\n• b\n… and 9,998 more": as many lines as fit in `maxChars` and `maxLines`, each
 * cut to `maxLineChars`, then how many were left out. Lines must already be escaped.
 */
export function listText(
  title: string,
  lines: readonly string[],
  options: { maxLines?: number; maxChars?: number; maxLineChars?: number; more?: string } = {},
): string {
  const maxLines = options.maxLines ?? 10;
  const maxChars = Math.min(options.maxChars ?? 2000, L.sectionText);
  const maxLineChars = options.maxLineChars ?? 250;
  // Room for the "… and N more" line, so adding it never overflows.
  const reserve = 40 + (options.more?.length ?? 0);
  let text = title;
  let shown = 0;
  for (const line of lines) {
    if (shown >= maxLines) break;
    const next = `\n• ${truncateText(line, maxLineChars)}`;
    if (text.length + next.length > maxChars - reserve) break;
    text += next;
    shown += 1;
  }
  const rest = lines.length - shown;
  if (rest > 0)
    text += `\n… and ${rest.toLocaleString("en-US")} more${options.more ? ` ${options.more}` : ""}`;
  return text;
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

/** Escapes, then cuts to `max` characters: cutting last bounds the length whatever the input. */
export function escapeAndCut(text: string, max: number): string {
  return truncateText(escapeMrkdwn(text), max);
}
