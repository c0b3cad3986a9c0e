import type { Database } from "better-sqlite3";
import { boundedEditDistance } from "./bounded-edit-distance.js";
import { foldAsciiCase } from "./fold-ascii-case.js";

/** Longer text (in UTF-16 units) gets no suggestion: lookups refuse it before, this is the store's own bound. */
const MAX_TEXT = 200;
/** Suggestions never go beyond this many edits, however long the text: further away is noise. */
const MAX_DISTANCE = 5;
/** Names read on either side of the text in each index (sorted order). */
export const AFTER = 20;
export const BEFORE = 10;
/** Characters, in all, of the one-edit variants of the text probed exactly, and the rows they may return. */
const MAX_PROBE_CHARS = 60_000;
export const MAX_PROBE_ROWS = 200;
/** Characters tried for an insertion or a substitution: those of user names, and the text's own. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789._-@ ";
const MAX_ALPHABET = 64;

/**
 * Every statement a suggestion runs; each reads a bounded range of an index of migration 6
 * (`accounts_by_user_name`, `accounts_by_name`), never the whole table.
 */
export const SUGGESTION_QUERIES = {
  userNamesAfter: `SELECT user_name, lower(user_name) AS folded FROM accounts
    WHERE lower(user_name) >= ? ORDER BY lower(user_name) LIMIT ${AFTER}`,
  userNamesBefore: `SELECT user_name, lower(user_name) AS folded FROM accounts
    WHERE lower(user_name) < ? ORDER BY lower(user_name) DESC LIMIT ${BEFORE}`,
  namesAfter: `SELECT user_name, lower(name) AS folded FROM accounts
    WHERE lower(name) >= ? ORDER BY lower(name) LIMIT ${AFTER}`,
  namesBefore: `SELECT user_name, lower(name) AS folded FROM accounts
    WHERE lower(name) < ? ORDER BY lower(name) DESC LIMIT ${BEFORE}`,
  userNamesIn: `SELECT user_name, lower(user_name) AS folded FROM accounts
    WHERE lower(user_name) IN (SELECT value FROM json_each(?)) LIMIT ${MAX_PROBE_ROWS}`,
} as const;

export interface Candidate {
  user_name: string;
  /** The case-folded text it was found by: its user name or its display name. */
  folded: string;
}

/**
 * "Did you mean" for a lookup that matched nothing: user names whose user or display name starts
 * with `text` or is within a few edits of it, closest first. The work is bounded whatever the
 * database holds: candidates come only from index reads (the user and display names sorted next
 * to `text`, which share its start, so they catch completions and late typos; and exact probes
 * of user names one edit away from `text`, which catch early typos), at most a few hundred of
 * them, and each gets a banded edit distance that gives up past MAX_DISTANCE.
 */
export function suggestAccounts(db: Database, text: string, limit = 5): string[] {
  const needle = suggestionNeedle(text);
  if (needle === undefined) return [];
  const q = SUGGESTION_QUERIES;
  const candidates = [
    ...(db.prepare(q.userNamesAfter).all(needle) as Candidate[]),
    ...(db.prepare(q.userNamesBefore).all(needle) as Candidate[]),
    ...(db.prepare(q.namesAfter).all(needle) as Candidate[]),
    ...(db.prepare(q.namesBefore).all(needle) as Candidate[]),
    ...(db.prepare(q.userNamesIn).all(JSON.stringify(oneEditVariants(needle))) as Candidate[]),
  ];
  return rankSuggestions(needle, candidates, limit);
}

/** The case-folded text a suggestion looks for; undefined when it gets none (empty or too long). */
export function suggestionNeedle(text: string): string | undefined {
  const needle = foldAsciiCase(text);
  return needle === "" || needle.length > MAX_TEXT ? undefined : needle;
}

/** The user names of `candidates` that start with `needle` or are within a few edits of it, closest first. */
export function rankSuggestions(needle: string, candidates: readonly Candidate[], limit: number): string[] {
  const max = Math.min(MAX_DISTANCE, Math.max(2, Math.floor(needle.length / 3)));
  const best = new Map<string, number>();
  for (const { user_name: userName, folded } of candidates) {
    const distance = folded.startsWith(needle)
      ? folded.length - needle.length
      : boundedEditDistance(needle, folded, max);
    if (distance > max && !folded.startsWith(needle)) continue;
    const known = best.get(userName);
    if (known === undefined || distance < known) best.set(userName, distance);
  }
  return [...best]
    .sort(([a, distanceA], [b, distanceB]) => distanceA - distanceB || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([name]) => name);
}

/**
 * Strings one deletion, transposition, substitution or insertion away from `text`, at most
 * MAX_PROBE_CHARS characters in all (probing costs by the character). Deletions and
 * transpositions come first (few); then substitutions and insertions position by position from
 * the start: a name of up to about 25 characters gets every variant, a longer one those near its
 * start, because a typo further on is caught by the sorted neighbours, which share its start.
 */
export function oneEditVariants(text: string): string[] {
  const chars = [...text];
  const alphabet = [...new Set([...ALPHABET, ...chars])].slice(0, MAX_ALPHABET);
  // heads[i] is the first i characters, tails[i] the rest from i.
  const heads = [""];
  for (const c of chars) heads.push(`${heads.at(-1)}${c}`);
  const tails = chars.map((_, i) => chars.slice(i).join(""));
  tails.push("");
  const out = new Set<string>();
  let budget = MAX_PROBE_CHARS;
  const add = (variant: string) => {
    if (budget < variant.length || variant === text) return;
    if (!out.has(variant)) budget -= variant.length;
    out.add(variant);
  };
  for (let i = 0; i < chars.length; i++) add(`${heads[i]}${tails[i + 1]}`);
  for (let i = 0; i + 1 < chars.length; i++) add(`${heads[i]}${chars[i + 1]}${chars[i]}${tails[i + 2]}`);
  for (let i = 0; i <= chars.length && budget > text.length; i++) {
    for (const c of alphabet) {
      if (i < chars.length) add(`${heads[i]}${c}${tails[i + 1]}`);
      add(`${heads[i]}${c}${tails[i]}`);
    }
  }
  return [...out];
}
