import pg from "pg";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { openDatabase } from "../../src/store/open-database.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "./postgres-database.js";
import type { StoreBackend } from "./store-backends.js";
import { tempDbPath } from "./temp-db.js";

/**
 * A new database on `backend` with two store connections and a plain-SQL handle, for seeding rows
 * the same way on both backends where the writes that make them are not ported yet. `sql` takes
 * SQLite's `?` placeholders (rewritten to `$1…` for PostgreSQL).
 */
export interface DatabaseWithSql {
  stores: [Store, Store];
  sql(text: string, values?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function databaseWithSql(backend: StoreBackend): Promise<DatabaseWithSql> {
  if (backend.name === "sqlite") {
    const path = tempDbPath();
    const raw = openDatabase(path);
    const stores: [Store, Store] = [
      createSqliteStore(openDatabase(path)),
      createSqliteStore(openDatabase(path)),
    ];
    return {
      stores,
      sql: async (text, values = []) => {
        raw.prepare(text).run(...values);
      },
      close: async () => {
        for (const store of stores) await store.close();
        raw.close();
      },
    };
  }
  const db = await createTestDatabase();
  const open = async () => (await openPostgresStore(db.url, { allowIncomplete: true })).store;
  const stores: [Store, Store] = [await open(), await open()];
  const raw = new pg.Client({ connectionString: db.url });
  await raw.connect();
  return {
    stores,
    sql: async (text, values = []) => {
      let n = 0;
      await raw.query(
        text.replace(/\?/g, () => `$${++n}`),
        values as unknown[],
      );
    },
    close: async () => {
      await raw.end();
      for (const store of stores) await store.close();
      await db.drop();
    },
  };
}
