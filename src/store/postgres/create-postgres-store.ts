import type pg from "pg";
import { SQLITE_QUERIES } from "../sqlite-queries.js";
import type { Repositories, Store, StoreTx } from "../store.js";
import { type PgDb, pgDbInTransaction } from "./pg-db.js";
import { POSTGRES_QUERIES } from "./postgres-queries.js";

type Sqlite = typeof SQLITE_QUERIES;

/** A query of the SQLite store, as the PostgreSQL store writes it: same arguments and answer, async. */
type PgQuery<F> = F extends (db: never, ...args: infer A) => infer R
  ? (db: PgDb, ...args: A) => Promise<Awaited<R>>
  : never;

/**
 * The PostgreSQL queries, repository by repository, typed against the SQLite ones: a method here
 * takes the same arguments and answers the same thing, and none may be missing: a query added
 * to SQLITE_QUERIES does not compile until its PostgreSQL version is registered too.
 */
export type PostgresQueries = {
  readonly [R in keyof Sqlite]: { readonly [K in keyof Sqlite[R]]: PgQuery<Sqlite[R][K]> };
};

type AnyQuery = (db: PgDb, ...args: unknown[]) => Promise<unknown>;

/**
 * The store port over a pg Pool. Outside a transaction each query takes a pooled connection (a
 * query function that must be atomic runs its own `db.transaction`); `store.transaction(fn)` checks
 * out one connection and runs the body between BEGIN and COMMIT on it, nested calls joining it.
 * Unlike SQLite's single connection, transactions of this process run side by side (and with other
 * replicas'): what must happen one at a time takes a row lock or an advisory lock inside.
 */
export function createPostgresStore(
  pool: pg.Pool,
  options: { location: string; queries?: PostgresQueries },
): Store {
  const queries = (options.queries ?? POSTGRES_QUERIES) as unknown as Record<
    string,
    Record<string, AnyQuery>
  >;

  const runInTransaction = async <T>(fn: (client: pg.PoolClient, alive: () => boolean) => Promise<T>) => {
    const client = await pool.connect();
    let active = true;
    let broken: unknown;
    try {
      await client.query("BEGIN");
      try {
        const result = await fn(client, () => active);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollback: unknown) => {
          broken = rollback;
        });
        throw error;
      }
    } finally {
      active = false;
      // A connection whose ROLLBACK failed is in an unknown state: the pool must not hand it out.
      client.release(broken instanceof Error ? broken : undefined);
    }
  };

  const poolDb: PgDb = {
    query: async <T>(text: string, values?: readonly unknown[]) =>
      (await pool.query({ text, values: values as unknown[] })).rows as T[],
    execute: async (text, values) => (await pool.query({ text, values: values as unknown[] })).rowCount ?? 0,
    transaction: (fn) => runInTransaction((client, alive) => fn(pgDbInTransaction(client, alive))),
  };

  const bindAll = (db: () => PgDb): Repositories => {
    const repositories: Record<string, Record<string, unknown>> = {};
    for (const [name, names] of Object.entries(SQLITE_QUERIES)) {
      repositories[name] = Object.fromEntries(
        Object.keys(names).map((method) => {
          const query = queries[name]?.[method] as AnyQuery;
          return [method, (...args: unknown[]) => query(db(), ...args)];
        }),
      );
    }
    return repositories as unknown as Repositories;
  };

  const transaction = <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
    runInTransaction(async (client, alive) => {
      const txDb = pgDbInTransaction(client, alive);
      const tx: StoreTx = { ...bindAll(() => txDb), transaction: (nested) => nested(tx) };
      return fn(tx);
    });

  return {
    ...bindAll(() => poolDb),
    location: options.location,
    transaction,
    close: () => pool.end(),
  };
}
