import type { Database } from "better-sqlite3";
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
   * machine left, a write the schema must refuse): SQLite's `?` placeholders on both backends
   * (numbered for PostgreSQL). Answers the rows of a SELECT or RETURNING, none otherwise.
   * The schema comes with the first store connect() opens.
   */
  sql(text: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Closes every store connect() opened, and removes the database. */
  close(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "postgres";
  database(): Promise<BackendDatabase>;
}

/** int8 read back as a number, as the store's pool does (open-postgres-store.ts). */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/** The SQLite file and the PostgreSQL server, for tests that must hold on both. */
export const STORE_BACKENDS: readonly StoreBackend[] = [
  {
    name: "sqlite",
    database: async () => {
      const path = tempDbPath();
      const stores: Store[] = [];
      let raw: Database | undefined;
      return {
        connect: async () => {
          const store = createSqliteStore(openDatabase(path), { location: path });
          stores.push(store);
          return store;
        },
        sql: async (text, values = []) => {
          raw ??= openDatabase(path);
          const statement = raw.prepare(text);
          if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
          statement.run(...values);
          return [];
        },
        close: async () => {
          for (const store of stores) await store.close();
          raw?.close();
        },
      };
    },
  },
  {
    name: "postgres",
    database: async () => {
      const db = await createTestDatabase();
      const stores: Store[] = [];
      let raw: pg.Client | undefined;
      return {
        connect: async () => {
          // The port is being completed query by query: these tests use only what it has.
          const { store } = await openPostgresStore(db.url, { allowIncomplete: true });
          stores.push(store);
          return store;
        },
        sql: async (text, values = []) => {
          if (!raw) {
            raw = new pg.Client({ connectionString: db.url, types });
            await raw.connect();
          }
          return (await raw.query(numbered(text), values as unknown[])).rows;
        },
        close: async () => {
          await raw?.end();
          for (const store of stores) await store.close();
          await db.drop();
        },
      };
    },
  },
];
