import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { migratePostgres } from "../../src/store/postgres/migrate-postgres.js";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres/postgres-migrations.js";
import { createTestDatabase } from "../helpers/postgres-database.js";

/** A column as both databases can say it: its table, name, kind of value, and whether it may be null. */
type Column = { table: string; column: string; kind: "text" | "integer"; nullable: boolean };

function sqliteColumns(): Column[] {
  const db = new BetterSqlite3(":memory:");
  migrate(db);
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const columns = tables.flatMap((table) =>
    (
      db.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?)').all(table) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[]
    ).map((c) => ({
      table,
      column: c.name,
      kind: c.type.toUpperCase() === "INTEGER" ? ("integer" as const) : ("text" as const),
      // A primary key column is never null (SQLite allows it in rowid tables; warden never writes one).
      nullable: c.notnull === 0 && c.pk === 0,
    })),
  );
  db.close();
  return columns;
}

async function postgresColumns(client: pg.Client): Promise<Column[]> {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>(
    "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'warden_schema'",
  );
  return rows.map((r) => ({
    table: r.table_name,
    column: r.column_name,
    kind: r.data_type === "bigint" ? "integer" : "text",
    nullable: r.is_nullable === "YES",
  }));
}

const byName = (a: Column, b: Column) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

describe("PostgreSQL's schema", () => {
  let database: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("is at the same version as SQLite's, with the same tables, columns, kinds of value and nullability", async () => {
    expect(POSTGRES_MIGRATIONS.at(-1)?.version).toBe(MIGRATIONS.at(-1)?.version);
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      expect(await migratePostgres(pool)).toEqual({ from: 0, to: MIGRATIONS.at(-1)?.version });
    } finally {
      await pool.end();
    }
    expect((await postgresColumns(client)).sort(byName)).toEqual(sqliteColumns().sort(byName));
  });

  it("has every index SQLite has, under the same name", async () => {
    const sqlite = new BetterSqlite3(":memory:");
    migrate(sqlite);
    const expected = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      .pluck()
      .all() as string[];
    sqlite.close();
    const { rows } = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    );
    const names = new Set(rows.map((r) => r.indexname));
    expect(expected.filter((name) => !names.has(name))).toEqual([]);
  });

  it("keeps the audit log append-only, as SQLite's triggers do", async () => {
    await client.query(
      "INSERT INTO audit_log (at, event, detail, prev_hash, hash) VALUES ('2026-12-01T00:00:00.000Z', 'x', '{}', 'p', 'h')",
    );
    await expect(client.query("UPDATE audit_log SET event = 'y'")).rejects.toThrow("append-only");
    await expect(client.query("DELETE FROM audit_log")).rejects.toThrow("append-only");
    // Two entries following the same one would fork the chain.
    await expect(
      client.query(
        "INSERT INTO audit_log (at, event, detail, prev_hash, hash) VALUES ('2026-12-01T00:00:00.000Z', 'x', '{}', 'p', 'h2')",
      ),
    ).rejects.toThrow(/audit_log_by_prev/);
  });
});
