import type { Database } from "better-sqlite3";
import type { SQLITE_QUERIES } from "./sqlite-queries.js";

/**
 * A query of the SQLite implementation as a method of the port: the database is bound, the answer
 * is a Promise, so a PostgreSQL implementation can stand behind the same method.
 */
type Bound<F> = F extends (db: Database, ...args: infer A) => infer R
  ? (...args: A) => Promise<Awaited<R>>
  : never;

type BoundRepository<T> = { readonly [K in keyof T]: Bound<T[K]> };

/** Every repository of the store, by name (`store.outbox.enqueue(...)`, `store.decisions.getDecision(id)`). */
export type Repositories = {
  readonly [R in keyof typeof SQLITE_QUERIES]: BoundRepository<(typeof SQLITE_QUERIES)[R]>;
};

/** One repository of the port, e.g. `Repository<"audit">` for a function that only reads the audit log. */
export type Repository<R extends keyof Repositories> = Repositories[R];

/** The repositories as seen inside a transaction; nested `transaction` calls join the outer one. */
export interface StoreTx extends Repositories {
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}

/**
 * The store port: what warden's code sees of its database. Methods return Promises; a transaction
 * is `store.transaction(async (tx) => …)`, committed when the body's Promise resolves and rolled
 * back when it rejects. Keep source and chat I/O out of transaction bodies: read, call the source,
 * then record in a short transaction (a claim that must survive a crash is its own transaction,
 * committed before the source call).
 */
export interface Store extends Repositories {
  /** Where the data lives, for messages (a file path for SQLite). */
  readonly location: string;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
