import pg from "pg";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./postgres-database.js";
import { tempDbPath } from "./temp-db.js";

/**
 * One database on a store backend, and `connect` opening a store on it: each call is another
 * connection (another process, or another replica), as two `warden` processes would have.
 */
export interface BackendDatabase {
  connect(): Promise<Store>;
  /**
   * One statement straight on the database, for what no store method writes (a row another
   * machine left): PostgreSQL's `$n` placeholders, each used once and in order.
   */
  sql(text: string, params?: readonly unknown[]): Promise<void>;
  /** Closes every store connect() opened, and removes the database. */
  close(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "postgres";
  database(): Promise<BackendDatabase>;
}

/** The SQLite file and the PostgreSQL server, for tests that must hold on both. */
export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: "sqlite",
    database: async () => {
      const path = tempDbPath();
      const stores: Store[] = [];
      return {
        connect: async () => {
          const store = createSqliteStore(openDatabase(path), { location: path });
          stores.push(store);
          return store;
        },
        sql: async (text, params = []) => {
          const db = openDatabase(path);
          try {
            db.prepare(text.replace(/\$\d+/g, "?")).run(...params);
          } finally {
            db.close();
          }
        },
        close: async () => {
          for (const store of stores) await store.close();
        },
      };
    },
  },
  {
    name: "postgres",
    database: async () => {
      const db = await createTestDatabase();
      const stores: Store[] = [];
      return {
        connect: async () => {
          // The port is being completed query by query: these tests use only what it has.
          const { store } = await openPostgresStore(db.url, { allowIncomplete: true });
          stores.push(store);
          return store;
        },
        sql: async (text, params = []) => {
          const client = new pg.Client({ connectionString: db.url });
          await client.connect();
          try {
            await client.query(text, [...params]);
          } finally {
            await client.end();
          }
        },
        close: async () => {
          for (const store of stores) await store.close();
          await db.drop();
        },
      };
    },
  },
];
