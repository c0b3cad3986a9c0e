import { formatDayIn, formatTimeIn } from "./format-time-in-zone.js";

/**
 * A person a message names: what to show (email or name) and, when warden knows it, their user id
 * on one chat platform, so that platform's renderer can mention them instead of printing an email.
 */
export interface PersonRef {
  display: string;
  platform?: string | undefined;
  /** The platform's user id (Slack U…/W…, Teams 29:…). */
  id?: string | undefined;
}

/**
 * One part of a message line: warden's words or data as plain text, a moment in time, or a person.
 * Times and people stay structured until a renderer turns them into what the platform shows in
 * each reader's own time zone (Slack `<!date>`, Adaptive Card DATE/TIME) and into a mention; the
 * plain rendering (terminal, fallback text, notices) writes them in UTC and as the email.
 */
export type RichPart = string | RichTime | { person: PersonRef };
export interface RichTime {
  time: Date;
  /** "time": date and time of day; "day": the date only (an expiry, a due date). */
  show: "time" | "day";
}
export type RichText = readonly RichPart[];

export const timeAt = (time: Date): RichTime => ({ time, show: "time" });
export const dayOf = (time: Date): RichTime => ({ time, show: "day" });
export const person = (ref: PersonRef): RichPart => ({ person: ref });

export const isRichTime = (part: RichPart): part is RichTime => typeof part === "object" && "time" in part;

/**
 * "2026-11-23 10:02 UTC" and emails: the line as one plain string, the same for every reader; or,
 * for one reader whose time zone is known (`timeZone`, an IANA name), their times in that zone,
 * named ("2026-11-23 11:02 Europe/Berlin").
 */
export function plainRichText(parts: RichText, options: { timeZone?: string | undefined } = {}): string {
  const { timeZone } = options;
  return parts
    .map((part) => {
      if (typeof part === "string") return part;
      if (isRichTime(part)) {
        // Without a zone these write UTC, saying so (formatTime, formatDay).
        return part.show === "day" ? formatDayIn(part.time, timeZone) : formatTimeIn(part.time, timeZone);
      }
      return part.person.display;
    })
    .join("");
}
