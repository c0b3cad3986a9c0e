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

/** src/store/suggest-accounts.ts SUGGESTION_QUERIES, with SQLite's ASCII-only lower() and bytewise order. */
const QUERIES = {
  userNamesAfter: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} >= $1 ORDER BY ${USER_NAME} LIMIT ${AFTER}`,
  userNamesBefore: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} < $1 ORDER BY ${USER_NAME} DESC LIMIT ${BEFORE}`,
  namesAfter: `SELECT user_name, ${NAME} AS folded FROM accounts
    WHERE ${NAME} >= $1 ORDER BY ${NAME} LIMIT ${AFTER}`,
  namesBefore: `SELECT user_name, ${NAME} AS folded FROM accounts
    WHERE ${NAME} < $1 ORDER BY ${NAME} DESC LIMIT ${BEFORE}`,
  userNamesIn: `SELECT user_name, ${USER_NAME} AS folded FROM accounts
    WHERE ${USER_NAME} = ANY($1::text[]) LIMIT ${MAX_PROBE_ROWS}`,
} as const;

/** src/store/suggest-accounts.ts suggestAccounts: the same candidates, ranked by the same code. */
export async function suggestAccounts(db: PgDb, text: string, limit = 5): Promise<string[]> {
  const needle = suggestionNeedle(text);
  if (needle === undefined) return [];
  const q = QUERIES;
  const candidates = [
    ...(await db.query<Candidate>(q.userNamesAfter, [needle])),
    ...(await db.query<Candidate>(q.userNamesBefore, [needle])),
    ...(await db.query<Candidate>(q.namesAfter, [needle])),
    ...(await db.query<Candidate>(q.namesBefore, [needle])),
    ...(await db.query<Candidate>(q.userNamesIn, [oneEditVariants(needle)])),
  ];
  return rankSuggestions(needle, candidates, limit);
}

export const SUGGEST_ACCOUNTS_PG = { suggestAccounts } satisfies PostgresQueries["accounts"];
