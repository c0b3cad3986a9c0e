import { domainToASCII } from "node:url";

/** Upper-case ASCII letters only: the local part's one case-insensitive range. */
const ASCII_UPPER = /[A-Z]/g;
/** A domain before conversion: ASCII letters, digits, "-" and "." only, plus any non-ASCII character. */
const DOMAIN_INPUT = /^(?:[A-Za-z0-9.-]|\P{ASCII})+$/u;
/** A domain after conversion (punycode output is ASCII). */
const ASCII_DOMAIN = /^[a-z0-9.-]+$/;

/**
 * The one form warden compares and stores emails in (owners, admins, chat users, recipients).
 *
 * Rule:
 * 1. Trim surrounding whitespace.
 * 2. Exactly one "@", with a non-empty local part before it and a non-empty domain after it.
 * 3. Domain: converted to its ASCII form with `url.domainToASCII`, which applies the IDNA mapping
 *    DNS itself uses (UTS #46: lower-cases, maps compatibility forms, encodes punycode), so
 *    `BÜCHER.example` and `xn--bcher-kva.example` are one domain. An empty result is invalid. So is
 *    a domain with an ASCII character other than a letter, digit, "-" or "." ("%", "/", "?", "#",
 *    "\\", ":", "_", spaces, controls): the URL host parser behind `domainToASCII` would
 *    percent-decode, cut at or drop some of them, so "acme.example/x" would become "acme.example".
 *    https://nodejs.org/api/url.html#urldomaintoasciidomain, https://www.unicode.org/reports/tr46/
 * 4. Local part: only the ASCII letters A–Z are lower-cased. No Unicode case folding, no NFKC:
 *    JavaScript's `toLowerCase` turns U+212A KELVIN SIGN into "k" and U+0130 into "i̇", and NFKC
 *    turns fullwidth letters into ASCII, so either would let a lookalike address match someone
 *    else's. Any non-ASCII character is kept as it is and must match exactly.
 *
 * Returns undefined for an invalid address, which never matches anything.
 */
export function normalizeEmail(raw: string | null | undefined): string | undefined {
  if (typeof raw !== "string") return undefined;
  const trimmed = raw.trim();
  const at = trimmed.indexOf("@");
  if (at <= 0 || at !== trimmed.lastIndexOf("@") || at === trimmed.length - 1) return undefined;
  const domainPart = trimmed.slice(at + 1);
  if (!DOMAIN_INPUT.test(domainPart)) return undefined;
  const domain = domainToASCII(domainPart);
  if (!ASCII_DOMAIN.test(domain)) return undefined;
  const local = trimmed.slice(0, at).replace(ASCII_UPPER, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
  return `${local}@${domain}`;
}

/** Whether two emails are the same address under `normalizeEmail`'s rule; false when either is invalid. */
export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = normalizeEmail(a);
  return left !== undefined && left === normalizeEmail(b);
}
