import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { migratePostgres } from "../../src/store/postgres/migrate-postgres.js";
import { openPostgresStore } from "../../src/store/postgres/open-postgres-store.js";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres/postgres-migrations.js";
import { createTestDatabase } from "../helpers/postgres-database.js";

const latest = MIGRATIONS.at(-1)?.version ?? 0;

describe("PostgreSQL migrations", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function database() {
    const db = await createTestDatabase();
    cleanups.push(db.drop);
    return db;
  }
  function pool(url: string) {
    const p = new pg.Pool({ connectionString: url, max: 2 });
    p.on("error", () => {});
    cleanups.push(() => p.end());
    return p;
  }

  it("migrates once when three replicas start together: the others wait, then find nothing to do", async () => {
    const db = await database();
    const results = await Promise.all([1, 2, 3].map(() => migratePostgres(pool(db.url))));
    expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    expect(results.filter((r) => r.from === latest)).toHaveLength(2);
    const { rows } = await pool(db.url).query("SELECT version FROM warden_schema ORDER BY version");
    // Each migration once: the whole schema (23), then one row per later version.
    expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });

  it("refuses a database a newer warden migrated, naming WARDEN_DATABASE_URL", async () => {
    const db = await database();
    const p = pool(db.url);
    await migratePostgres(p);
    await p.query(
      "INSERT INTO warden_schema (version, name, applied_at) VALUES ($1, 'from the future', 'now')",
      [latest + 1],
    );
    await expect(migratePostgres(p)).rejects.toMatchObject({
      code: "E_STORE_TOO_NEW",
      message: expect.stringContaining("WARDEN_DATABASE_URL"),
    });
  });

  it("leaves the database at its version when a migration fails halfway", async () => {
    const db = await database();
    const p = pool(db.url);
    await migratePostgres(p);
    const broken = [
      ...MIGRATIONS.slice(-1).map((m) => ({ ...m, sql: "SELECT 1" })),
      {
        version: latest + 1,
        name: "half",
        sql: "CREATE TABLE half_done (x int); SELECT no_such_function();",
      },
    ];
    await expect(migratePostgres(p, broken)).rejects.toThrow("no_such_function");
    const { rows } = await p.query(
      "SELECT to_regclass('half_done') AS t, max(version) AS v FROM warden_schema",
    );
    expect(rows[0]).toEqual({ t: null, v: latest });
  });

  it("says which database cannot be used, without its password", async () => {
    const url = "postgres://warden:s3cret-pw@127.0.0.1:1/nowhere";
    const error = await openPostgresStore(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_STORE_OPEN" });
    expect(String((error as Error).message)).toContain("(WARDEN_DATABASE_URL)");
    expect(String((error as Error).message)).not.toContain("s3cret-pw");
  });
});
