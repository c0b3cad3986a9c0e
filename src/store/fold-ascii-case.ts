/**
 * Lower-cases A-Z only, exactly as SQLite's built-in lower() does without ICU
 * (https://www.sqlite.org/lang_corefunc.html#lower). Lookups compare this against the
 * `lower(user_name)` and `lower(name)` indexes, so both sides must fold the same way; a
 * Unicode-aware fold (String.prototype.toLowerCase) would make "K" (U+212A) equal "k" in
 * JavaScript but not in SQLite.
 */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}
