import {
  AFTER,
  BEFORE,
  type Candidate,
  MAX_PROBE_ROWS,
  oneEditVariants,
  rankSuggestions,
  suggestionNeedle,
} from "../suggest-accounts.js";
import { foldSql } from "./accounts.js";
import type { PostgresQueries } from "./create-postgres-store.js";
import type { PgDb } from "./pg-db.js";

const USER_NAME = foldSql("user_name");
const NAME = foldSql("name");

/**
 * src/store/suggest-accounts.ts SUGGESTION_QUERIES, with SQLite's ASCII-only lower() and bytewise order.
 * `after` and `before` are the comparisons with the needle (see bound).
 */
const queries = (after: ">=" | ">", before: "<" | "<=") => ({
  userNamesAfter: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} ${after} $1 ORDER BY ${USER_NAME} LIMIT ${AFTER}`,
  userNamesBefore: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} ${before} $1 ORDER BY ${USER_NAME} DESC LIMIT ${BEFORE}`,
  namesAfter: `SELECT user_name, ${NAME} AS folded FROM accounts
    WHERE ${NAME} ${after} $1 ORDER BY ${NAME} LIMIT ${AFTER}`,
  namesBefore: `SELECT user_name, ${NAME} AS folded FROM accounts
    WHERE ${NAME} ${before} $1 ORDER BY ${NAME} DESC LIMIT ${BEFORE}`,
  userNamesIn: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} = ANY($1::text[]) LIMIT ${MAX_PROBE_ROWS}`,
});
const PLAIN = queries(">=", "<");
const CUT_AT_NUL = queries(">", "<=");

/**
 * The needle as PostgreSQL can bind it. Its text cannot hold NUL, which SQLite's can: for stored
 * names (never with NUL here) `name >= head + NUL + rest` holds exactly when `name > head`, and
 * `name < head + NUL + rest` when `name <= head`, so the neighbours are the same as SQLite reads.
 */
function bound(needle: string): { queries: typeof PLAIN; value: string } {
  const nul = needle.indexOf("\u0000");
  return nul < 0 ? { queries: PLAIN, value: needle } : { queries: CUT_AT_NUL, value: needle.slice(0, nul) };
}

/** src/store/suggest-accounts.ts suggestAccounts: the same candidates, ranked by the same code. */
export async function suggestAccounts(db: PgDb, text: string, limit = 5): Promise<string[]> {
  const needle = suggestionNeedle(text);
  if (needle === undefined) return [];
  const { queries: q, value } = bound(needle);
  // A variant with NUL in it names no stored user name.
  const variants = oneEditVariants(needle).filter((variant) => !variant.includes("\u0000"));
  const candidates = [
    ...(await db.query<Candidate>(q.userNamesAfter, [value])),
    ...(await db.query<Candidate>(q.userNamesBefore, [value])),
    ...(await db.query<Candidate>(q.namesAfter, [value])),
    ...(await db.query<Candidate>(q.namesBefore, [value])),
    ...(await db.query<Candidate>(q.userNamesIn, [variants])),
  ];
  return rankSuggestions(needle, candidates, limit);
}

export const SUGGEST_ACCOUNTS_PG = { suggestAccounts } satisfies Partial<PostgresQueries["accounts"]>;
