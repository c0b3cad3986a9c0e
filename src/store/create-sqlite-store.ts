import type { Database } from "better-sqlite3";
import { StoreError } from "../errors.js";
import { cacheStatements } from "./cache-statements.js";
import { SQLITE_QUERIES } from "./sqlite-queries.js";
import type { Repositories, Store, StoreTx } from "./store.js";

type Query = (db: Database, ...args: never[]) => unknown;
type QueryTable = Record<string, Record<string, Query>>;

/**
 * The store port over one better-sqlite3 connection.
 *
 * better-sqlite3 runs each statement synchronously and cannot keep `db.transaction(fn)` open across
 * an `await` (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#transactionfunction---function),
 * so an async transaction body is run between an explicit BEGIN IMMEDIATE and COMMIT on the
 * connection, one body at a time. While a body is open, every other call on this store waits for
 * it to end: on one connection, a statement issued meanwhile would otherwise become part of (and
 * be rolled back with) someone else's transaction. Other processes are kept out by SQLite's write
 * lock, taken at BEGIN IMMEDIATE (https://www.sqlite.org/lang_transaction.html).
 */
export function createSqliteStore(connection: Database, options: { location?: string } = {}): Store {
  // Every query prepares its statements on each call; the cache compiles each SQL text once.
  const db = cacheStatements(connection);
  let open: Promise<void> | undefined;

  const bindAll = (wrap: (query: Query) => (...args: never[]) => Promise<unknown>): Repositories => {
    const table = SQLITE_QUERIES as unknown as QueryTable;
    const repositories: Record<string, Record<string, unknown>> = {};
    for (const [name, queries] of Object.entries(table)) {
      repositories[name] = Object.fromEntries(
        Object.entries(queries).map(([method, query]) => [method, wrap(query)]),
      );
    }
    return repositories as unknown as Repositories;
  };

  // Outside a transaction: wait until none is open, then run (synchronously, so nothing interleaves).
  const outside = bindAll((query) => async (...args) => {
    while (open) await open;
    return query(db, ...args);
  });

  const transaction = async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    // Checked and taken with no await in between: two bodies waking together cannot both start.
    while (open) await open;
    let end!: () => void;
    open = new Promise<void>((resolve) => {
      end = resolve;
    });
    let active = true;
    const inside = bindAll((query) => async (...args) => {
      if (!active) {
        throw new StoreError("E_STORE_TX_ENDED", "a store transaction was used after it ended");
      }
      return query(db, ...args);
    });
    const tx: StoreTx = { ...inside, transaction: (nested) => nested(tx) };
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(tx);
        db.exec("COMMIT");
        return result;
      } catch (error) {
        // A failed COMMIT (a full disk) may already have rolled back: then there is nothing to undo.
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      active = false;
      open = undefined;
      end();
    }
  };

  return {
    ...outside,
    location: options.location ?? connection.name,
    transaction,
    close: async () => {
      while (open) await open;
      if (connection.open) connection.close();
    },
  };
}
