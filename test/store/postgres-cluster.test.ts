import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/postgres-database.js";

describe("the tests' PostgreSQL", () => {
  const dbs: { drop: () => Promise<void> }[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it("gives each caller its own empty database on a real server", async () => {
    const [a, b] = [await createTestDatabase(), await createTestDatabase()];
    dbs.push(a, b);
    expect(a.url).not.toBe(b.url);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      await client.query("CREATE TABLE t (x int)");
      const { rows } = await client.query("SELECT current_database() AS name, version() AS version");
      expect(String(rows[0].version)).toMatch(/^PostgreSQL \d+/);
      expect(a.url.endsWith(`/${rows[0].name}`)).toBe(true);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: b.url });
    await other.connect();
    try {
      const { rows } = await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'");
      expect(rows[0].n).toBe(0);
    } finally {
      await other.end();
    }
  });
});
