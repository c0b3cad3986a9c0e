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
   * machine left, a write the schema must refuse), with `?` placeholders or PostgreSQL's `$n` (a
   * parameter used twice) on both backends. Answers the rows of a SELECT or RETURNING, none
   * otherwise. The schema comes with the first store connect() opens.
   */
  sql<T = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<T[]>;
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

const NUMBERED = /\$(\d+)/g;
const isNumbered = (text: string) => /\$\d/.test(text);

/** `?` placeholders numbered for PostgreSQL; `$n` ones are already. */
const forPostgres = (text: string) => {
  if (isNumbered(text)) return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/** `$n` placeholders as better-sqlite3's named `@pn` with their values by name; `?` ones as they are. */
const forSqlite = (text: string, values: readonly unknown[]): [string, unknown[]] => {
  if (!isNumbered(text)) return [text, [...values]];
  const named = Object.fromEntries(values.map((value, i) => [`p${i + 1}`, value]));
  return [text.replace(NUMBERED, "@p$1"), [named]];
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
        sql: async <T>(text: string, values: readonly unknown[] = []) => {
          raw ??= openDatabase(path);
          const [sql, params] = forSqlite(text, values);
          const statement = raw.prepare(sql);
          if (statement.reader) return statement.all(...params) as T[];
          statement.run(...params);
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
          const { store } = await openPostgresStore(db.url);
          stores.push(store);
          return store;
        },
        sql: async <T>(text: string, values: readonly unknown[] = []) => {
          if (!raw) {
            raw = new pg.Client({ connectionString: db.url, types });
            await raw.connect();
          }
          return (await raw.query(forPostgres(text), values as unknown[])).rows as T[];
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
