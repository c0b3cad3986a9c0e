/**
 * A text-only Teams message. `textFormat: "plain"` makes Teams show the text as it is ("treated as
 * raw text with no formatting applied at all",
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages), so a
 * notice that names an account such as "[Verify](https://evil)" or "<at>Raj</at>" links and
 * mentions nothing; a mention would also need an `entities` entry, which warden sends only with
 * the cards whose decision lines mention who acted (card-rich-text.ts), never with plain text.
 */
export function plainTextActivity(text: string): { type: "message"; text: string; textFormat: "plain" } {
  return { type: "message", text, textFormat: "plain" };
}
