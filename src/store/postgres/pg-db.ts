import type pg from "pg";
import { StoreError } from "../../errors.js";

/**
 * What a PostgreSQL query function sees: one connection's worth of `query`, and `transaction`,
 * which joins the caller's transaction when there is one (as SQLite's writeTransaction does).
 */
export interface PgDb {
  query<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
  /** The number of rows an INSERT, UPDATE or DELETE touched. */
  execute(text: string, values?: readonly unknown[]): Promise<number>;
  transaction<T>(fn: (db: PgDb) => Promise<T>): Promise<T>;
}

/** A PgDb over a client already inside a transaction: nested transactions join it. */
export function pgDbInTransaction(client: pg.PoolClient | pg.Client, alive: () => boolean): PgDb {
  const check = () => {
    if (!alive()) throw new StoreError("E_STORE_TX_ENDED", "a store transaction was used after it ended");
  };
  const db: PgDb = {
    query: async <T>(text: string, values?: readonly unknown[]) => {
      check();
      return (await client.query({ text, values: values as unknown[] })).rows as T[];
    },
    execute: async (text, values) => {
      check();
      return (await client.query({ text, values: values as unknown[] })).rowCount ?? 0;
    },
    transaction: (fn) => fn(db),
  };
  return db;
}
