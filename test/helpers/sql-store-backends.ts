import type { Database } from "better-sqlite3";
import pg from "pg";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./postgres-database.js";
import type { BackendDatabase, StoreBackend } from "./store-backends.js";
import { STORE_BACKENDS } from "./store-backends.js";
import { tempDbPath } from "./temp-db.js";

/**
 * A backend database that also runs raw SQL on its own connection: for seeding tables whose store
 * writers are not ported yet. The SQL is written with `?` placeholders, numbered for PostgreSQL.
 */
export interface SqlBackendDatabase extends BackendDatabase {
  /** The rows a SELECT (or RETURNING) gives; none for other statements. */
  sql(text: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

export interface SqlStoreBackend {
  name: StoreBackend["name"];
  database(): Promise<SqlBackendDatabase>;
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

/** STORE_BACKENDS, each database with `sql`. */
export const SQL_STORE_BACKENDS: readonly SqlStoreBackend[] = STORE_BACKENDS.map((backend) =>
  backend.name === "sqlite"
    ? {
        name: backend.name,
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
      }
    : {
        name: backend.name,
        database: async () => {
          const db = await createTestDatabase();
          const stores: Store[] = [];
          let migrated = false;
          return {
            connect: async () => {
              const { store } = await openPostgresStore(db.url, { allowIncomplete: true });
              stores.push(store);
              migrated = true;
              return store;
            },
            sql: async (text, values = []) => {
              // The schema comes with the first store opened on the database.
              if (!migrated) throw new Error("connect() a store before seeding with sql()");
              const client = new pg.Client({ connectionString: db.url, types });
              await client.connect();
              try {
                return (await client.query(numbered(text), values as unknown[])).rows;
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
);
