/** The longest lookup input searched for: user names, display names and sys_ids are far shorter. */
export const LOOKUP_MAX_CHARS = 100;

export type LookupQuery =
  | { ok: true; query: string }
  | { ok: false; reason: "empty"; notice: string; preview: string }
  | { ok: false; reason: "too_long"; notice: string; preview: string };

/** Line breaks and tabs (a run of them, such as CRLF, is one): a pasted name may carry them. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
/** Control (Cc) and invisible format (Cf) characters, such as NUL, zero-width spaces and bidi overrides. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * Cleans what a person typed after `lookup`: line breaks become spaces, control and invisible
 * format characters go, surrounding space is trimmed. Input longer than LOOKUP_MAX_CHARS
 * (counted in Unicode code points) is refused with a notice instead of being searched, so one
 * request cannot make the store compare megabytes of text.
 */
export function parseLookupQuery(raw: string): LookupQuery {
  const query = raw.replace(BREAKS, " ").replace(INVISIBLE, "").trim();
  if (query === "") {
    return {
      ok: false,
      reason: "empty",
      notice: "Say which account: a user name, display name or sys_id.",
      preview: "",
    };
  }
  let length = 0;
  for (const _ of query) length += 1;
  if (length > LOOKUP_MAX_CHARS) {
    return {
      ok: false,
      reason: "too_long",
      notice: `That is too long to be an account (${length} characters): a lookup takes a user name, display name or sys_id of at most ${LOOKUP_MAX_CHARS} characters.`,
      preview: `${[...query.slice(0, LOOKUP_MAX_CHARS * 2)].slice(0, LOOKUP_MAX_CHARS).join("")}…`,
    };
  }
  return { ok: true, query };
}
