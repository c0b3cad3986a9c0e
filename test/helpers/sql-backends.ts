import pg from "pg";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./postgres-database.js";
import { tempDbPath } from "./temp-db.js";

/**
 * A database of STORE_BACKENDS' kind that also takes raw SQL: to seed tables the PostgreSQL store
 * cannot write yet, or to try what the schema itself refuses. `sql` takes `?` placeholders on both
 * backends (numbered $1, $2… for PostgreSQL here) and answers the rows of a SELECT.
 */
export interface SqlDatabase {
  connect(): Promise<Store>;
  sql(text: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface SqlBackend {
  name: "sqlite" | "postgres";
  database(): Promise<SqlDatabase>;
}

/** int8 as a JavaScript number, as the store's pool reads it. */
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

export const SQL_BACKENDS: readonly SqlBackend[] = [
  {
    name: "sqlite",
    database: async () => {
      const path = tempDbPath();
      const raw = openDatabase(path);
      const stores: Store[] = [];
      return {
        connect: async () => {
          const store = createSqliteStore(openDatabase(path), { location: path });
          stores.push(store);
          return store;
        },
        sql: async (text, values = []) => {
          const statement = raw.prepare(text);
          if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
          statement.run(...values);
          return [];
        },
        close: async () => {
          for (const store of stores) await store.close();
          raw.close();
        },
      };
    },
  },
  {
    name: "postgres",
    database: async () => {
      const db = await createTestDatabase();
      const stores: Store[] = [];
      // The first store migrates the database; raw SQL waits for it.
      const first = openPostgresStore(db.url, { allowIncomplete: true }).then(({ store }) => {
        stores.push(store);
        return store;
      });
      await first;
      const raw = new pg.Client({ connectionString: db.url, types });
      await raw.connect();
      let handedFirst = false;
      return {
        connect: async () => {
          if (!handedFirst) {
            handedFirst = true;
            return first;
          }
          const { store } = await openPostgresStore(db.url, { allowIncomplete: true });
          stores.push(store);
          return store;
        },
        sql: async (text, values = []) =>
          (await raw.query({ text: numbered(text), values: values as unknown[] })).rows,
        close: async () => {
          await raw.end();
          for (const store of stores) await store.close();
          await db.drop();
        },
      };
    },
  },
];
