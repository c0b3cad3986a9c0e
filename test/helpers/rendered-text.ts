/**
 * What Slack and Teams would make of the text warden sends, for tests that feed hostile data
 * (names such as "<!everyone>" or "[Verify](https://evil)") through the renderers or the whole
 * loop. Each platform gets a finder of *active* markup (a mention, a channel or URL link, Markdown
 * formatting that came from data) and a decoder of what the reader sees.
 */

/** Names, reasons and errors an attacker or a careless operator could put in a source. */
export const HOSTILE = [
  "<!everyone>",
  "<!channel>",
  "<!here>",
  "<@U123>",
  "<#C123>",
  "<!subteam^S123>",
  "<https://evil.example|click>",
  "[Verify](https://evil.example)",
  "**bold**",
  "<at>Raj</at>",
  "&lt;@U123&gt;",
  "a & b",
] as const;

/** One string carrying every hostile token, as an account or owner name. */
export const HOSTILE_NAME = `evil ${HOSTILE.join(" ")}`;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;

/** One text a Slack message shows, with how Slack reads it. */
export interface SlackText {
  where: string;
  kind: "mrkdwn" | "plain_text" | "fallback";
  text: string;
  verbatim: boolean;
}

/** Every text object in `blocks` and the top-level `text` of a Slack message. */
export function slackTexts(message: { text?: unknown; blocks?: unknown }): SlackText[] {
  const out: SlackText[] = [];
  if (typeof message.text === "string")
    out.push({ where: "text", kind: "fallback", text: message.text, verbatim: false });
  const visit = (where: string, value: unknown) => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(`${where}[${i}]`, v);
      return;
    }
    if (!isObject(value)) return;
    if ((value.type === "mrkdwn" || value.type === "plain_text") && typeof value.text === "string") {
      out.push({ where, kind: value.type, text: value.text, verbatim: value.verbatim === true });
      return;
    }
    for (const [key, v] of Object.entries(value)) if (key !== "value") visit(`${where}.${key}`, v);
  };
  visit("blocks", message.blocks);
  return out;
}

/**
 * Where Slack would ping, link or auto-link: a `<` in mrkdwn or in the fallback text opens a
 * control sequence (`<!everyone>`, `<@U…>`, `<#C…>`, `<https://…|…>`; warden sends no link of its
 * own), an `&` not part of the three entities is a broken escape, and a mrkdwn object without
 * `verbatim: true` lets Slack turn plain URLs, `#channel` and `@here` into links and mentions.
 * warden's own tokens are allowed: a `<!date^…>` whose UTC fallback is its own timestamp, and a
 * `<@U…>` mention of a user in `options.mentions` (the people the test expects to be named).
 */
export function slackMarkupProblems(
  message: { text?: unknown; blocks?: unknown },
  options: { mentions?: readonly string[] } = {},
): string[] {
  const problems: string[] = [];
  const mentions = new Set(options.mentions ?? []);
  for (const t of slackTexts(message)) {
    if (t.kind === "plain_text") continue; // shown as it is
    // warden's console link, a whole element: built from ids only (account-link.ts).
    if (t.kind === "mrkdwn" && t.verbatim && WARDEN_SLACK_LINK.test(t.text)) continue;
    const text = t.kind === "mrkdwn" ? withoutWardenTokens(t.text, mentions, problems, t.where) : t.text;
    if (text.includes("<") || text.includes(">")) problems.push(`${t.where}: control sequence in ${t.text}`);
    if (/&(?!amp;|lt;|gt;)/.test(text)) problems.push(`${t.where}: unescaped & in ${t.text}`);
    if (t.kind === "mrkdwn" && !t.verbatim) problems.push(`${t.where}: mrkdwn without verbatim`);
  }
  return problems;
}

/** warden's date token: `<!date^UNIX^{date_short_pretty}[ {time}]|YYYY-MM-DD[ HH:MM UTC]>`. */
export const SLACK_DATE = /<!date\^(\d+)\^\{date_short_pretty\}( \{time\})?\|([^<>|]*)>/g;
const SLACK_MENTION = /<@([UW][A-Z0-9]+)>/g;

/** The UTC fallback a date token must carry for its timestamp. */
export function slackDateFallback(unix: number, withTime: boolean): string {
  const iso = new Date(unix * 1000).toISOString();
  return withTime ? `${iso.slice(0, 16).replace("T", " ")} UTC` : iso.slice(0, 10);
}

function withoutWardenTokens(text: string, mentions: Set<string>, problems: string[], where: string): string {
  return text
    .replace(SLACK_DATE, (token, unix: string, time: string | undefined, fallback: string) => {
      if (fallback !== slackDateFallback(Number(unix), !!time))
        problems.push(`${where}: date token whose fallback is not its time: ${token}`);
      return fallback;
    })
    .replace(SLACK_MENTION, (token, id: string) => (mentions.has(id) ? `@${id}` : token));
}

/**
 * "<https://…|Open in ServiceNow>", "<https://…|Open INC0010001>" (a ticket) and
 * "<https://…|ServiceNow: Basic authentication restriction>": the links warden itself puts in a
 * message (their URLs carry no text).
 */
const WARDEN_SLACK_LINK =
  /^<https?:\/\/[^\s<>|&]+\|(Open (in (ServiceNow|Entra admin center)|[A-Z][A-Z0-9]{1,11}[0-9]{4,12})|ServiceNow: Basic authentication restriction)>$/;
/** The same link in a card's markdown: a TextBlock of that link only. */
const WARDEN_CARD_LINK =
  /^\[(Open (in (ServiceNow|Entra admin center)|[A-Z][A-Z0-9]{1,11}[0-9]{4,12})|ServiceNow: Basic authentication restriction)\]\(https?:\/\/[^\s()<>]+\)$/;

/**
 * What a reader sees of Slack mrkdwn: warden's date tokens as their UTC fallback (what a reader in
 * UTC sees), a mention `<@U1>` as "@U1", then the three entities decoded (Slack's formatting aside).
 */
export function slackShown(text: string): string {
  return text
    .replace(SLACK_DATE, (_token, _unix, _time, fallback: string) => fallback)
    .replace(SLACK_MENTION, "@$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Everything a Slack message shows, decoded, for "the name is shown as typed" checks. */
export function slackShownText(message: { text?: unknown; blocks?: unknown }): string {
  return slackTexts(message)
    .map((t) => (t.kind === "plain_text" ? t.text : slackShown(t.text)))
    .join("\n");
}

/** One markdown text of an Adaptive Card. */
export interface CardMarkdownText {
  where: string;
  text: string;
}

/** TextBlock texts and FactSet titles and values: the card texts Teams formats as Markdown. */
export function cardMarkdownTexts(card: unknown): CardMarkdownText[] {
  const out: CardMarkdownText[] = [];
  const visit = (where: string, value: unknown) => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(`${where}[${i}]`, v);
      return;
    }
    if (!isObject(value)) return;
    if (value.type === "TextBlock" && typeof value.text === "string") out.push({ where, text: value.text });
    if (value.type === "FactSet" && Array.isArray(value.facts)) {
      value.facts.forEach((f, i) => {
        if (!isObject(f)) return;
        if (typeof f.title === "string") out.push({ where: `${where}.facts[${i}].title`, text: f.title });
        if (typeof f.value === "string") out.push({ where: `${where}.facts[${i}].value`, text: f.value });
      });
    }
    for (const [key, v] of Object.entries(value)) if (key !== "data") visit(`${where}.${key}`, v);
  };
  visit("card", card);
  return out;
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * The markdown with every backslash escape (CommonMark: a backslash before ASCII punctuation)
 * replaced by "·": what is left is what Teams reads as markup.
 */
export function unescapedMarkdown(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const next = text[i + 1];
    if (text[i] === "\\" && next !== undefined && ASCII_PUNCTUATION.test(next)) {
      out += "·";
      i += 1;
    } else out += text[i];
  }
  return out;
}

/** warden's Adaptive Card date functions: `{{DATE(2026-11-23T10:02:00Z, SHORT)}}` and `{{TIME(…)}}`. */
export const CARD_DATE = /\{\{DATE\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z), SHORT\)\}\}/g;
export const CARD_TIME = /\{\{TIME\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\)\}\}/g;
const CARD_MENTION = /<at>([^<>]*)<\/at>/g;

/**
 * What a reader sees of card markdown: warden's date and time functions as a reader in UTC sees
 * them ("2026-11-23 10:02 UTC", the terminal's format), a mention as its name, then escapes
 * resolved (warden's own formatting aside).
 */
export function teamsShown(text: string): string {
  return text
    .replace(CARD_DATE, (_f, iso: string) => iso.slice(0, 10))
    .replace(CARD_TIME, (_f, iso: string) => `${iso.slice(11, 16)} UTC`)
    .replace(CARD_MENTION, "$1")
    .replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

/** The mention entities of a card (`msteams.entities`): the `<at>` text and who it mentions. */
export function cardMentions(card: unknown): { text: string; id: string; name: string }[] {
  const entities = isObject(card) && isObject(card.msteams) ? card.msteams.entities : undefined;
  if (!Array.isArray(entities)) return [];
  return entities.flatMap((e) =>
    isObject(e) && e.type === "mention" && typeof e.text === "string" && isObject(e.mentioned)
      ? [{ text: e.text, id: String(e.mentioned.id), name: String(e.mentioned.name) }]
      : [],
  );
}

/**
 * Where Teams would link, mention or format data: an unescaped `<` or `>` (HTML, autolink,
 * `<at>` mention), `](` (a Markdown link), `**` next to a word the data brought (`**bold**`), a
 * line starting with a list marker or `#` (warden's own bullets are "•").
 */
export function cardMarkupProblems(card: unknown, options: { mentions?: readonly string[] } = {}): string[] {
  const problems: string[] = [];
  // warden's own mentions: an `<at>` text with its entity, of a user the test expects to be named.
  const allowed = new Set(
    cardMentions(card)
      .filter((m) => (options.mentions ?? []).includes(m.id))
      .map((m) => m.text),
  );
  for (const { where, text } of cardMarkdownTexts(card)) {
    if (WARDEN_CARD_LINK.test(text)) continue;
    const own = text
      .replace(CARD_DATE, "date")
      .replace(CARD_TIME, "time")
      .replace(CARD_MENTION, (token) => (allowed.has(token) ? "mention" : token));
    if (own.includes("{{")) problems.push(`${where}: malformed date or time function in ${text}`);
    const markup = unescapedMarkdown(own);
    if (/[<>]/.test(markup)) problems.push(`${where}: HTML or mention in ${text}`);
    if (markup.includes("](")) problems.push(`${where}: link in ${text}`);
    if (markup.includes("**bold**")) problems.push(`${where}: data formatted in ${text}`);
    if (/^[ \t]*([-+*]|\d+[.)])[ \t]|^[ \t]*#/m.test(markup))
      problems.push(`${where}: list or heading from data in ${text}`);
  }
  return problems;
}

/** Everything a card shows, escapes resolved, for "the name is shown as typed" checks. */
export function cardShownText(card: unknown): string {
  return cardMarkdownTexts(card)
    .map((t) => teamsShown(t.text))
    .join("\n");
}
