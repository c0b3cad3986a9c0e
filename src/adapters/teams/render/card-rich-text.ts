import { isRichTime, type PersonRef, type RichText, type RichTime } from "../../../messages/rich-text.js";
import { truncateText } from "../../../messages/truncate-text.js";
import type { AdaptiveCard, MentionEntity } from "./adaptive-card.js";
import { type CardMarkdown, escapeCardMarkdown } from "./card-text.js";

/** "2026-11-23T10:02:00Z": the strict RFC 3339 form the DATE/TIME functions accept (no fraction). */
const rfc3339 = (time: Date): string => `${time.toISOString().slice(0, 19)}Z`;

/**
 * `{{DATE(2026-11-23T10:02:00Z, SHORT)}} {{TIME(2026-11-23T10:02:00Z)}}`: Teams shows the moment
 * in the reader's own time zone and locale ("Mon, Nov 23, 2026 11:02 AM" in Berlin). The functions
 * must be upper case with no space inside the braces and an RFC 3339 time, or the raw string shows
 * (https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features).
 */
function cardDate(part: RichTime): string {
  const iso = rfc3339(part.time);
  const date = `{{DATE(${iso}, SHORT)}}`;
  return part.show === "day" ? date : `${date} {{TIME(${iso})}}`;
}

/**
 * The name inside `<at>…</at>`: what Teams shows as the mention. The `<at>` text must equal the
 * entity's text exactly, so it cannot carry Markdown escapes: characters Markdown or the tag would
 * read are dropped instead (the mention still names the right user through its id).
 */
function mentionName(display: string): string {
  return truncateText(display.replace(/[\\`*_~[\]()<>#|{}&\p{Cc}]/gu, "").trim(), 100);
}

/** The `<at>` text and entity for a Teams user warden knows (its 29:… id), or undefined. */
export function teamsMention(ref: PersonRef): MentionEntity | undefined {
  if (ref.platform !== "teams" || !ref.id) return undefined;
  const name = mentionName(ref.display);
  if (!name) return undefined;
  return { type: "mention", text: `<at>${name}</at>`, mentioned: { id: ref.id, name } };
}

/**
 * A line of parts as card markdown: text escaped, times as DATE/TIME functions and known Teams
 * users as `<at>` mentions (their entities are added to the card by `withMentions`). With
 * `mention: false` people are written as their email (no notification).
 */
export function cardRichText(parts: RichText, options: { mention?: boolean } = {}): CardMarkdown {
  const mention = options.mention ?? true;
  const out = parts.map((part) => {
    if (typeof part === "string") return escapeCardMarkdown(part);
    if (isRichTime(part)) return cardDate(part);
    const entity = mention ? teamsMention(part.person) : undefined;
    return entity ? entity.text : escapeCardMarkdown(part.person.display);
  });
  // Every part is escaped data or warden's own token: the whole is card markdown (see card-text.ts).
  return { markdown: out.join("") } as unknown as CardMarkdown;
}

/**
 * Adds the mention entities a card's text uses (msteams.entities: "Mention support within Adaptive
 * Cards", https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#mention-support-within-adaptive-cards).
 * Only those whose `<at>` text the card really carries: an account cut to fit has no entity.
 */
export function withMentions(card: AdaptiveCard, people: readonly PersonRef[]): AdaptiveCard {
  const json = JSON.stringify(card.body);
  const seen = new Set<string>();
  const entities: MentionEntity[] = [];
  for (const ref of people) {
    const entity = teamsMention(ref);
    if (!entity || seen.has(`${entity.text}\u0000${entity.mentioned.id}`)) continue;
    if (!json.includes(JSON.stringify(entity.text).slice(1, -1))) continue;
    seen.add(`${entity.text}\u0000${entity.mentioned.id}`);
    entities.push(entity);
  }
  if (entities.length > 0) card.msteams = { ...card.msteams, entities };
  return card;
}
